import type { Command } from "commander";

export function register(program: Command): void {
    const corpus = program.command("corpus").description("pretraining corpus: read, clean, PHI-scan, dedup, mix, pack into Megatron shards");
    corpus.command("build")
        .description("build the corpus of CONFIG; with --shard i/N only the document stage of shard i (then `corpus merge`)")
        .argument("<config>", "corpus config (YAML or JSON)")
        .option("--shard <i/N>", "process the i-th of N shards (a Slurm array or Kubernetes indexed Job member)")
        .action(async (config: string, o: { shard?: string }) => {
            const { runCorpusBuild } = await import("../../corpus/runCorpus.js");
            await runCorpusBuild(config, o.shard);
        });
    corpus.command("merge")
        .description("merge the N document shards: dedup across shards, tokenize, mix and pack")
        .argument("<config>", "corpus config (YAML or JSON)")
        .requiredOption("--shards <N>", "number of shards the build was split into", (v) => Number(v))
        .action(async (config: string, o: { shards: number }) => {
            const { runCorpusMerge } = await import("../../corpus/runCorpus.js");
            await runCorpusMerge(config, o.shards);
        });
}
