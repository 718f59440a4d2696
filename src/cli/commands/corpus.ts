import type { Command } from "commander";
import { intArg } from "../options.js";

/**
 * V8's --optimize-for-size for the corpus commands, set before their worker threads (new isolates) start: it keeps
 * V8's heaps near their live size instead of letting them grow with the allocation rate. A build's live data
 * is small and flat (batches in flight, the dedup index), but its garbage rate is high, so peak RSS otherwise
 * grows with how long the build runs; the price is some time (docs/performance-notes.md).
 */
async function lowMemoryHeaps(): Promise<void> {
    (await import("node:v8")).setFlagsFromString("--optimize-for-size");
}

export function register(program: Command): void {
    const corpus = program.command("corpus").description("pretraining corpus: read, clean, PHI-scan, dedup, mix, pack into Megatron shards");
    corpus.command("build")
        .description("build the corpus of CONFIG; with --shard i/N only the document stage of shard i (then `corpus merge`)")
        .argument("<config>", "corpus config (YAML or JSON)")
        .option("--shard <i/N>", "process the i-th of N shards (a Slurm array or Kubernetes indexed Job member)")
        .action(async (config: string, o: { shard?: string }) => {
            await lowMemoryHeaps();
            const { runCorpusBuild } = await import("../../corpus/runCorpus.js");
            await runCorpusBuild(config, o.shard);
        });
    corpus.command("merge")
        .description("merge the N document shards: dedup across shards, tokenize, mix and pack")
        .argument("<config>", "corpus config (YAML or JSON)")
        .requiredOption("--shards <N>", "number of shards the build was split into (at least 1)", intArg(1, 100_000))
        .action(async (config: string, o: { shards: number }) => {
            await lowMemoryHeaps();
            const { runCorpusMerge } = await import("../../corpus/runCorpus.js");
            await runCorpusMerge(config, o.shards);
        });
}
