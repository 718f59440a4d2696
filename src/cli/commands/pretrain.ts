import type { Command } from "commander";

export function register(program: Command): void {
    program.command("pretrain")
        .description("(continual) pretraining on corpus shards; Me-LLaMA's recipe is the default config")
        .requiredOption("--config <file>", "pretrain config (YAML or JSON)")
        .option("--resume", "continue from the run's latest checkpoint, bit for bit")
        .option("--overwrite", "start over in an output directory that holds an earlier run's checkpoints (they are removed)")
        .action(async (o: { config: string; resume?: boolean; overwrite?: boolean }) => {
            const { runPretrain } = await import("../../train/runTraining.js");
            const r = runPretrain(o.config, o.resume === true, o.overwrite === true);
            process.stdout.write(`pretrained ${r.steps} steps${r.resumedFrom === null ? "" : ` (resumed at ${r.resumedFrom})`}: loss ${r.finalLoss.toFixed(4)}`
                + `${r.validationLoss === null ? "" : `, validation ${r.validationLoss.toFixed(4)}`}, ${Math.round(r.tokensPerSecond)} tok/s; checkpoint ${r.checkpoint}\n`);
        });
}
