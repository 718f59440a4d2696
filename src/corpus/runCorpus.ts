/**
 * `mellama corpus build|merge`: reads the config, runs the stages, prints a summary (counts only) and writes
 * stats.json beside the shards. The worker threads start first, before this thread loads the config parser and
 * the stages (zod alone takes ~0.2 s to load), so they are ready when the first batch is.
 */
import { join } from "node:path";
import { ConfigError } from "../errors/MellamaError.js";
import { StorageError } from "../errors/StorageError.js";
import type { CorpusManifest } from "./buildCorpus.js";
import type { CorpusConfig } from "./CorpusConfig.js";
import { CorpusWorkers, defaultCorpusWorkers } from "./CorpusWorkers.js";

export async function readCorpusConfig(path: string): Promise<CorpusConfig> {
    const [{ loadConfig }, { corpusConfigSchema }] = await Promise.all([import("../util/loadConfig.js"), import("./CorpusConfig.js")]);
    return loadConfig(path, corpusConfigSchema, { what: "corpus config", paths: ["output", "tokenizer", "sources.*.path", "sources.*.excludeIdsFrom"] });
}

export function parseShard(spec: string): [number, number] {
    const m = /^(\d+)\/(\d+)$/.exec(spec);
    if (!m || Number(m[1]) >= Number(m[2]) || Number(m[2]) < 1) {
        throw new ConfigError("--shard", `"${spec}" is not i/N with 0 <= i < N`);
    }
    return [Number(m[1]), Number(m[2])];
}

const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
};

/** Worker threads for both stages of one command, started before anything else is loaded. */
function startWorkers(): CorpusWorkers | undefined {
    const count = defaultCorpusWorkers();
    return count === 0 ? undefined : new CorpusWorkers(count, null);
}

/** The config, with the workers told its settings and its tokenizer. */
async function prepare(configPath: string, pool: CorpusWorkers | undefined): Promise<CorpusConfig> {
    const config = await readCorpusConfig(configPath);
    pool?.configure({ quality: config.quality, phiMode: config.phi.mode, dedup: config.dedup });
    pool?.loadTokenizer(config.tokenizer);
    return config;
}

/** Stage 1 for one shard, or both stages when no shard is given. */
export async function runCorpusBuild(configPath: string, shard?: string): Promise<CorpusManifest | null> {
    const pool = startWorkers();
    let output: string | undefined;
    try {
        const config = await prepare(configPath, pool);
        output = config.output;
        const { buildCorpus, buildDocuments } = await import("./buildCorpus.js");
        if (shard !== undefined) {
            const [i, n] = parseShard(shard);
            const stats = await buildDocuments(config, i, n, log, { pool });
            log(`documents (shard ${i} of ${n}): kept ${JSON.stringify(stats.kept)}, dropped ${JSON.stringify(stats.dropped)}`);
            return null;
        }
        const { loadTokenizer } = await import("../tokenizer/loadTokenizer.js");
        const { stats, manifest } = await buildCorpus(config, loadTokenizer(config.tokenizer), log, { pool });
        return await report(config, [stats], manifest);
    } catch (error) {
        throw output === undefined ? error : StorageError.from(error, output);
    } finally {
        await pool?.close();
    }
}

export async function runCorpusMerge(configPath: string, shards: number): Promise<CorpusManifest> {
    const pool = startWorkers();
    let output: string | undefined;
    try {
        const config = await prepare(configPath, pool);
        output = config.output;
        const [{ packCorpus }, { loadTokenizer }] = await Promise.all([import("./buildCorpus.js"), import("../tokenizer/loadTokenizer.js")]);
        return await report(config, [], await packCorpus(config, loadTokenizer(config.tokenizer), shards, log, { pool }));
    } catch (error) {
        // A full disk under a scratch file of the pack stage (token spills, signatures) is named by the corpus output
        // it was for: the stage removes its scratch files, and the user knows the output's disk, not their names.
        throw output === undefined ? error : StorageError.from(error, output);
    } finally {
        await pool?.close();
    }
}

async function report(config: CorpusConfig, stats: unknown[], manifest: CorpusManifest): Promise<CorpusManifest> {
    const [{ atomicWriteFileSync }, { summarizeManifest }] = await Promise.all([import("../util/atomicWrite.js"), import("./buildCorpus.js")]);
    atomicWriteFileSync(join(config.output, "stats.json"), `${JSON.stringify({ documents: stats, manifest: { ...manifest, config: undefined } }, null, 2)}\n`);
    process.stdout.write(`${summarizeManifest(manifest)}\n`);
    return manifest;
}
