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
import { buildDocuments, type CorpusManifest, packCorpus, summarizeManifest } from "./buildCorpus.js";
import { type CorpusConfig, parseCorpusConfig } from "./CorpusConfig.js";

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

/** Stage 1 for one shard, or both stages when no shard is given. */
export async function runCorpusBuild(configPath: string, shard?: string): Promise<CorpusManifest | null> {
    const config = readCorpusConfig(configPath);
    if (shard !== undefined) {
        const [i, n] = parseShard(shard);
        const stats = await buildDocuments(config, i, n, log);
        log(`documents ${i}/${n}: kept ${JSON.stringify(stats.kept)}, dropped ${JSON.stringify(stats.dropped)}`);
        return null;
    }
    const stats = await buildDocuments(config, 0, 1, log);
    return finish(config, 1, [stats]);
}

export async function runCorpusMerge(configPath: string, shards: number): Promise<CorpusManifest> {
    const config = readCorpusConfig(configPath);
    return finish(config, shards, []);
}

async function finish(config: CorpusConfig, shards: number, stats: unknown[]): Promise<CorpusManifest> {
    const manifest = await packCorpus(config, loadTokenizer(config.tokenizer), shards, log);
    atomicWriteFileSync(join(config.output, "stats.json"), `${JSON.stringify({ documents: stats, manifest: { ...manifest, config: undefined } }, null, 2)}\n`);
    process.stdout.write(`${summarizeManifest(manifest)}\n`);
    return manifest;
}
