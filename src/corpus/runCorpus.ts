/**
 * `mellama corpus build|merge`: reads the config, runs the stages, prints a summary (counts only) and writes
 * stats.json beside the shards.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../errors/MellamaError.js";
import { loadTokenizer } from "../tokenizer/loadTokenizer.js";
import { atomicWriteFileSync } from "../util/atomicWrite.js";
import { buildCorpus, buildDocuments, type CorpusManifest, packCorpus, summarizeManifest } from "./buildCorpus.js";
import { type CorpusConfig, parseCorpusConfig } from "./CorpusConfig.js";
import { CorpusWorkers, defaultCorpusWorkers } from "./CorpusWorkers.js";

export function readCorpusConfig(path: string): CorpusConfig {
    return parseCorpusConfig(parseYaml(readFileSync(path, "utf8")), path);
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

/** Worker threads for both stages of one command, started before any reading so they are ready when work is. */
function startWorkers(config: CorpusConfig): CorpusWorkers | undefined {
    const count = defaultCorpusWorkers();
    if (count === 0) {
        return undefined;
    }
    const pool = new CorpusWorkers(count, { quality: config.quality, phiMode: config.phi.mode, dedup: config.dedup });
    pool.loadTokenizer(config.tokenizer);
    return pool;
}

/** Stage 1 for one shard, or both stages when no shard is given. */
export async function runCorpusBuild(configPath: string, shard?: string): Promise<CorpusManifest | null> {
    const config = readCorpusConfig(configPath);
    const pool = startWorkers(config);
    try {
        if (shard !== undefined) {
            const [i, n] = parseShard(shard);
            const stats = await buildDocuments(config, i, n, log, { pool });
            log(`documents (shard ${i} of ${n}): kept ${JSON.stringify(stats.kept)}, dropped ${JSON.stringify(stats.dropped)}`);
            return null;
        }
        const { stats, manifest } = await buildCorpus(config, loadTokenizer(config.tokenizer), log, { pool });
        return report(config, [stats], manifest);
    } finally {
        await pool?.close();
    }
}

export async function runCorpusMerge(configPath: string, shards: number): Promise<CorpusManifest> {
    const config = readCorpusConfig(configPath);
    const pool = startWorkers(config);
    try {
        return await finish(config, shards, [], pool);
    } finally {
        await pool?.close();
    }
}

async function finish(config: CorpusConfig, shards: number, stats: unknown[], pool: CorpusWorkers | undefined): Promise<CorpusManifest> {
    return report(config, stats, await packCorpus(config, loadTokenizer(config.tokenizer), shards, log, { pool }));
}

function report(config: CorpusConfig, stats: unknown[], manifest: CorpusManifest): CorpusManifest {
    atomicWriteFileSync(join(config.output, "stats.json"), `${JSON.stringify({ documents: stats, manifest: { ...manifest, config: undefined } }, null, 2)}\n`);
    process.stdout.write(`${summarizeManifest(manifest)}\n`);
    return manifest;
}
