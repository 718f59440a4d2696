import type { Command } from "commander";

export function register(program: Command): void {
    program.command("sft")
        .description("LoRA instruction tuning on conversations rendered with a chat template (loss on assistant turns); saves PEFT adapters that carry the template")
        .requiredOption("--config <file>", "sft config (YAML or JSON)")
        .option("--resume", "continue from the run's latest checkpoint, bit for bit")
        .option("--overwrite", "start over in an output directory that holds an earlier run's checkpoints (they are removed)")
        .action(async (o: { config: string; resume?: boolean; overwrite?: boolean }) => {
            const { runSft } = await import("../../train/runTraining.js");
            const r = runSft(o.config, o.resume === true, o.overwrite === true);
            process.stdout.write(`tuned ${r.steps} steps on ${r.rows} rows: loss ${r.finalLoss.toFixed(4)}; adapter ${r.checkpoint}\n`);
            const { readFileSync } = await import("node:fs");
            const { dirname, join } = await import("node:path");
            const { readyToUse } = await import("../readyToUse.js");
            const base = (JSON.parse(readFileSync(join(r.checkpoint, "adapter_config.json"), "utf8")) as { base_model_name_or_path: string }).base_model_name_or_path;
            process.stdout.write(readyToUse([{ model: "sft", path: r.checkpoint, base }], dirname(r.checkpoint)));
        });
}
