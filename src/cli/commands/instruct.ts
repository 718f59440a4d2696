import type { Command } from "commander";

export function register(program: Command): void {
    const instruct = program.command("instruct").description("instruction-tuning data");
    instruct.command("build")
        .description("build an instruction set (ShareGPT/Alpaca jsonl) from Me-LLaMA's sources and benchmark train splits, checked for test-set leakage")
        .requiredOption("--config <file>", "YAML or JSON config (see docs/instruct.md)")
        .action(async (options: { config: string }) => {
            const { runInstructBuild } = await import("../../instruct/runInstructBuild.js");
            await runInstructBuild(options.config);
        });
}
