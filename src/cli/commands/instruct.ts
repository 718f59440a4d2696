import type { Command } from "commander";
import { choiceArg } from "../options.js";

export function register(program: Command): void {
    const instruct = program.command("instruct").description("instruction-tuning data");
    instruct.command("build")
        .description("build an instruction set (ShareGPT/Alpaca jsonl) from Me-LLaMA's sources and benchmark train splits, checked for test-set leakage")
        .requiredOption("--config <file>", "YAML or JSON config (see docs/instruct.md)")
        .option("--on-error <mode>", "malformed source records: skip (reported by file and line, capped per file) or fail (default: the config's onError, else skip)",
            choiceArg(["skip", "fail"]))
        .action(async (options: { config: string; onError?: "skip" | "fail" }) => {
            const { runInstructBuild } = await import("../../instruct/runInstructBuild.js");
            await runInstructBuild(options.config, options.onError);
        });
}
