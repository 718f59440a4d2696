import type { Command } from "commander";

export function register(program: Command): void {
    program.command("sft")
        .description("LoRA instruction tuning (loss on responses only); saves PEFT adapters")
        .requiredOption("--config <file>", "sft config (YAML or JSON)")
        .option("--resume", "continue from the run's latest checkpoint, bit for bit")
        .action(async (o: { config: string; resume?: boolean }) => {
            const { runSft } = await import("../../train/runTraining.js");
            const r = runSft(o.config, o.resume === true);
            process.stdout.write(`tuned ${r.steps} steps on ${r.rows} rows: loss ${r.finalLoss.toFixed(4)}; adapter ${r.checkpoint}\n`);
        });
}
