/**
 * The corpus pipeline, in two stages with completion markers:
 *   documents (per shard i/N: read → clean → quality → PHI scan for clinical sources), written to
 *     docs/shard-i-of-N.jsonl with its statistics and a marker; documents are split across shards by index;
 *   pack (after every shard of N is done; `corpus merge`): documents in canonical order (source, index) →
 *     exact and MinHash near-duplicate removal → tokenize (EOS after each document) → mix by tokens to the domain
 *     weights with a seed → pack into fixed-length sequences → Megatron shards train.{bin,idx} and
 *     validation.{bin,idx}, manifest.json and stats.json.
 * Everything is a pure function of the config and the inputs, and every artifact is written under a temporary
 * name and renamed, so a killed run started again produces the same bytes, and N shards merged equal one.
 * The per-document work (cleaning, rules, PHI; signatures and tokens) runs in batches on worker threads
 * (CorpusWorkers) and is consumed in input order, so statistics, duplicate choices and bytes are those of the
 * sequential loop; exact duplicates are dropped on this thread before any of that work is spent on them.
 * Logs carry counts, ids and file:line only — never document text.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { MellamaError } from "../errors/MellamaError.js";
import { SourceReadError } from "../errors/SourceReadError.js";
import { MegatronWriter } from "../formats/shards/MegatronWriter.js";
import type { Tokenizer } from "../tokenizer/Tokenizer.js";
import { atomicWriteFileSync } from "../util/atomicWrite.js";
import { createProgress, type Progress } from "../util/progress.js";
import { Rng } from "../util/rng.js";
import type { CorpusConfig } from "./CorpusConfig.js";
import { documentsWork, type DocumentsResult, type PackResult, packWork, type WorkSettings } from "./corpusWork.js";
import { CorpusWorkers, defaultCorpusWorkers } from "./CorpusWorkers.js";
import { exactKey, MinHashLsh } from "./dedup.js";
import { readDocuments } from "./readers.js";
import { TokenSpill } from "./TokenSpill.js";

export class MissingShardsError extends MellamaError {
    public constructor(missing: number[], total: number) {
        super("MISSING_SHARDS", `cannot merge: shard(s) ${missing.join(", ")} of ${total} have no completion marker; run \`mellama corpus build CONFIG --shard i/${total}\` for them`);
    }
}

export interface DocumentStageStats {
    shard: string;
    read: Record<string, number>;
    kept: Record<string, number>;
    dropped: Record<string, number>;
    phi: Record<string, number>;
    skippedRecords: number;
}

const markerOf = (dir: string, shard: number, of: number): string => join(dir, "docs", `shard-${shard}-of-${of}.done`);
const docsOf = (dir: string, shard: number, of: number): string => join(dir, "docs", `shard-${shard}-of-${of}.jsonl`);

function excludedIds(file: string | undefined): Set<string> {
    if (file === undefined) {
        return new Set();
    }
    const value = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return new Set(Array.isArray(value) ? value.map(String) : Object.keys(value as object));
}

/**
 * How the stages spread their per-document work: over `pool` (shared by both stages of a build, owned by the
 * caller), else over `workers` threads started with the first full batch (0: all on the calling thread).
 */
export interface CorpusRunOptions {
    workers?: number;
    pool?: CorpusWorkers;
}

/** Documents (or texts) per batch handed to a worker, and batches in flight per worker: enough to keep both busy, little memory. */
const BATCH_DOCS = 128;
const BATCH_CHARS = 1 << 19;
const IN_FLIGHT_PER_WORKER = 3;

const settingsOf = (config: CorpusConfig): WorkSettings => ({ quality: config.quality, phiMode: config.phi.mode, dedup: config.dedup });

/**
 * Ordered batches: work is submitted as batches fill and consumed strictly in submission order, with at most
 * `limit` in flight. Workers start with the first full batch, so small inputs never pay for them.
 */
class OrderedBatches<T, R> {
    private readonly queue: { meta: T[]; result: Promise<R> }[] = [];

    public constructor(private readonly limit: number, private readonly consume: (meta: T[], result: R) => void) {}

    public async submit(meta: T[], result: Promise<R>): Promise<void> {
        // A rejected batch is reported when its turn comes, not as an unhandled rejection before it.
        result.catch(() => undefined);
        this.queue.push({ meta, result });
        while (this.queue.length > this.limit) {
            await this.next();
        }
    }

    public async drain(): Promise<void> {
        while (this.queue.length > 0) {
            await this.next();
        }
    }

    private async next(): Promise<void> {
        const head = this.queue.shift()!;
        this.consume(head.meta, await head.result);
    }
}

/** Stage 1 for one shard; skipped when its marker exists. Returns its statistics. */
export async function buildDocuments(config: CorpusConfig, shard = 0, of = 1, log: (line: string) => void = () => undefined,
    options: CorpusRunOptions = {}): Promise<DocumentStageStats> {
    const marker = markerOf(config.output, shard, of);
    if (existsSync(marker)) {
        log(`documents (shard ${shard} of ${of}): done before, skipped`);
        return JSON.parse(readFileSync(marker, "utf8")) as DocumentStageStats;
    }
    mkdirSync(join(config.output, "docs"), { recursive: true });
    const out = docsOf(config.output, shard, of);
    const tmp = `${out}.tmp-${process.pid}`;
    const fd = openSync(tmp, "w");
    const stats: DocumentStageStats = { shard: `${shard}/${of}`, read: {}, kept: {}, dropped: {}, phi: {}, skippedRecords: 0 };
    const bump = (m: Record<string, number>, k: string, by = 1): void => {
        m[k] = (m[k] ?? 0) + by;
    };
    const settings = settingsOf(config);
    const workers = options.pool?.size ?? options.workers ?? defaultCorpusWorkers();
    let pool: CorpusWorkers | null = options.pool ?? null;
    // Output lines are gathered into ~1 MB writes rather than one write call per document.
    let pending = "";
    const write = (line: string): void => {
        pending += line;
        if (pending.length >= 1 << 20) {
            writeSync(fd, pending);
            pending = "";
        }
    };
    let current: CorpusConfig["sources"][number] | undefined;
    let progress: Progress | null = null;
    try {
        for (const source of config.sources) {
            current = source;
            progress = createProgress({ label: `documents (source ${source.name}${of > 1 ? `, shard ${shard} of ${of}` : ""})`, total: 0, unit: "docs" });
            const exclude = excludedIds(source.excludeIdsFrom);
            const batches = new OrderedBatches<{ index: number; id: string }, DocumentsResult>(IN_FLIGHT_PER_WORKER * Math.max(1, workers), (meta, r) => {
                meta.forEach(({ index, id }, k) => {
                    const reason = r.reasons[k]!;
                    if (reason !== null) {
                        bump(stats.dropped, `${source.name}:${reason}`);
                        return;
                    }
                    for (const [c, v] of Object.entries(r.phi[k] ?? {})) {
                        bump(stats.phi, c, v);
                    }
                    bump(stats.kept, source.name);
                    write(`${JSON.stringify({ source: source.name, domain: source.domain, index, id, text: r.texts[k]! })}\n`);
                });
            });
            let meta: { index: number; id: string }[] = [];
            let texts: string[] = [];
            let chars = 0;
            const flush = async (full: boolean): Promise<void> => {
                if (texts.length === 0) {
                    return;
                }
                const task = { texts, quality: source.quality, phi: source.domain === "clinical" };
                if (pool === null && full && workers > 0) {
                    pool = new CorpusWorkers(workers, settings);
                }
                const result = pool === null ? Promise.resolve(documentsWork(task, settings)) : pool.documents(task);
                await batches.submit(meta, result);
                meta = [];
                texts = [];
                chars = 0;
            };
            let index = -1;
            for await (const doc of readDocuments({ format: source.format, path: source.path, column: source.column, field: source.field, exclude,
                onBad: (w) => {
                    stats.skippedRecords++;
                    log(`skipped ${w.file}:${w.line}: ${w.reason}`);
                } })) {
                index++;
                progress!.increment();
                if (index % of !== shard) {
                    continue;
                }
                bump(stats.read, source.name);
                meta.push({ index, id: doc.id });
                texts.push(doc.text);
                chars += doc.text.length;
                if (texts.length >= BATCH_DOCS || chars >= BATCH_CHARS) {
                    await flush(true);
                }
            }
            await flush(false);
            await batches.drain();
            progress.stop();
            progress = null;
        }
        writeSync(fd, pending);
    } catch (error) {
        progress?.stop();
        closeSync(fd);
        rmSync(tmp, { force: true });
        if (error instanceof MellamaError) {
            throw error;
        }
        const e = error as NodeJS.ErrnoException;
        // Only the error code and the source: a raw message could quote the input.
        throw new SourceReadError(current?.name ?? "?", current?.path ?? "?", `cannot read (${e.code ?? e.name})`);
    } finally {
        if (pool !== options.pool) {
            await (pool as CorpusWorkers | null)?.close();
        }
    }
    closeSync(fd);
    renameSync(tmp, out);
    atomicWriteFileSync(marker, `${JSON.stringify(stats, null, 2)}\n`);
    return stats;
}

interface DocLine {
    source: string;
    domain: "biomedical" | "clinical" | "general";
    index: number;
    id: string;
    text: string;
}

/** Documents of all shards in canonical order (source order in the config, then index): a k-way merge. */
async function* mergedDocuments(config: CorpusConfig, of: number): AsyncGenerator<DocLine> {
    const order = new Map(config.sources.map((s, i) => [s.name, i]));
    const iters = Array.from({ length: of }, (_, s) => createInterface({ input: createReadStream(docsOf(config.output, s, of)), crlfDelay: Infinity })[Symbol.asyncIterator]());
    const heads: (DocLine | null)[] = await Promise.all(iters.map(async (it) => {
        const r = await it.next();
        return r.done ? null : JSON.parse(r.value) as DocLine;
    }));
    const key = (d: DocLine): number => order.get(d.source)! * 2 ** 40 + d.index;
    for (;;) {
        let best = -1;
        for (let i = 0; i < heads.length; i++) {
            if (heads[i] !== null && (best < 0 || key(heads[i]!) < key(heads[best]!))) {
                best = i;
            }
        }
        if (best < 0) {
            return;
        }
        yield heads[best]!;
        const r = await iters[best]!.next();
        heads[best] = r.done ? null : JSON.parse(r.value) as DocLine;
    }
}

export interface CorpusManifest {
    format: "megatron-mmidx";
    seqLen: number;
    tokenizer: { path: string; hash: string; vocabSize: number };
    train: { prefix: string; sequences: number; tokens: number };
    validation: { prefix: string; sequences: number; tokens: number };
    domains: Record<string, { documents: number; tokens: number; sampledTokens: number; weight: number; achievedShare: number; targetShare: number }>;
    duplicates: { exact: number; near: number };
    shards: number;
    config: CorpusConfig;
}

/** Stage 2: merge, dedup, tokenize, mix, pack. Skipped when manifest.json exists. */
export async function packCorpus(config: CorpusConfig, tokenizer: Tokenizer, of = 1, log: (line: string) => void = () => undefined,
    options: CorpusRunOptions = {}): Promise<CorpusManifest> {
    const manifestPath = join(config.output, "manifest.json");
    if (existsSync(manifestPath)) {
        log("pack: done before, skipped");
        return JSON.parse(readFileSync(manifestPath, "utf8")) as CorpusManifest;
    }
    const missing = Array.from({ length: of }, (_, i) => i).filter((i) => !existsSync(markerOf(config.output, i, of)));
    if (missing.length > 0) {
        throw new MissingShardsError(missing, of);
    }
    const seen = new Set<string>();
    const lsh = new MinHashLsh(config.dedup);
    const domains = ["biomedical", "clinical", "general"] as const;
    type Domain = (typeof domains)[number];
    // Tokens go to per-domain spill files, not memory: only 12 bytes per document stay resident.
    const spillDir = join(config.output, `pack.tmp-${process.pid}`);
    // A run killed during this stage leaves its spill directory; only one merge runs per output at a time.
    for (const stale of readdirSync(config.output).filter((n) => n.startsWith("pack.tmp-"))) {
        rmSync(join(config.output, stale), { recursive: true, force: true });
    }
    mkdirSync(spillDir, { recursive: true });
    const docs = Object.fromEntries(domains.map((d) => [d, new TokenSpill(join(spillDir, `${d}.i32`))])) as Record<Domain, TokenSpill>;
    const validation = new TokenSpill(join(spillDir, "validation.i32"));
    try {
        let exact = 0;
        let near = 0;
        const progress = createProgress({ label: "pack", total: 0, unit: "docs" });
        const settings = settingsOf(config);
        const workers = options.pool?.size ?? options.workers ?? defaultCorpusWorkers();
        let pool: CorpusWorkers | null = options.pool ?? null;
        let poolUsable: boolean | null = null;
        const n = lsh.signatureLength;
        const batches = new OrderedBatches<DocLine, PackResult>(IN_FLIGHT_PER_WORKER * Math.max(1, workers), (meta, r) => {
            meta.forEach((d, k) => {
                if (lsh.addOrMatchSignature(r.signatures.subarray(k * n, (k + 1) * n)) >= 0) {
                    near++;
                    return;
                }
                // Validation membership by a hash of the document key: stable under any sharding.
                const h = parseInt(createHash("sha1").update(`${config.seed}:${d.source}:${d.id}`).digest("hex").slice(0, 8), 16) / 2 ** 32;
                (h < config.validationFraction ? validation : docs[d.domain]).addRange(r.ids, r.offsets[k]!, r.offsets[k + 1]!);
            });
        });
        let meta: DocLine[] = [];
        let chars = 0;
        const flush = async (full: boolean): Promise<void> => {
            if (meta.length === 0) {
                return;
            }
            const texts = meta.map((d) => d.text);
            if (poolUsable === null && (full || options.pool !== undefined) && workers > 0) {
                pool ??= new CorpusWorkers(workers, settings);
                // Workers load the config's tokenizer; a caller's other tokenizer keeps the work on this thread.
                poolUsable = await pool.tokenizerMatches(config.tokenizer, tokenizer.hash);
            }
            const result = poolUsable === true ? pool!.pack(texts) : Promise.resolve(packWork(texts, lsh, tokenizer));
            // The texts are not needed again: the batch keeps only what the ordered consumer reads.
            for (const d of meta) {
                d.text = "";
            }
            await batches.submit(meta, result);
            meta = [];
            chars = 0;
        };
        try {
            for await (const d of mergedDocuments(config, of)) {
                progress.increment();
                // Exact duplicates are decided here, in canonical order, before any other work is spent on them.
                const key = exactKey(d.text);
                if (seen.has(key)) {
                    exact++;
                    continue;
                }
                seen.add(key);
                meta.push(d);
                chars += d.text.length;
                if (meta.length >= BATCH_DOCS || chars >= BATCH_CHARS) {
                    await flush(true);
                }
            }
            await flush(false);
            await batches.drain();
        } finally {
            if (pool !== options.pool) {
                await (pool as CorpusWorkers | null)?.close();
            }
        }
        progress.stop();
        const weightSum = domains.reduce((a, d) => a + config.mix[d], 0);
        const available = Object.fromEntries(domains.map((d) => [d, docs[d].numTokens])) as Record<Domain, number>;
        const active = domains.filter((d) => config.mix[d] > 0 && available[d] > 0);
        const ratio = (d: Domain): number => available[d] / (config.mix[d] / weightSum);
        const total = active.length === 0 ? 0 : config.mixMode === "downsample" ? Math.min(...active.map(ratio)) : Math.max(...active.map(ratio));
        const rng = new Rng(config.seed);
        // Chosen documents as numbers (index * 4 + domain), so the draw costs 8 bytes a document.
        const chosen: number[] = [];
        const sampled: Record<string, number> = {};
        domains.forEach((d, di) => {
            const quota = active.includes(d) ? total * (config.mix[d] / weightSum) : 0;
            let got = 0;
            // Whole passes over the domain (up-sampling), then a seeded partial pass until the quota is met.
            while (quota > 0 && got < quota) {
                const order = rng.shuffle(Array.from({ length: docs[d].numDocuments }, (_, i) => i));
                for (const i of order) {
                    if (got >= quota) {
                        break;
                    }
                    chosen.push(i * 4 + di);
                    got += docs[d].lengthOf(i);
                }
            }
            sampled[d] = got;
        });
        rng.shuffle(chosen);
        const pack = (prefix: string, count: number, tokensOf: (k: number) => Int32Array): number => {
            const writer = new MegatronWriter(join(config.output, prefix), tokenizer.vocabSize);
            const cur = new Int32Array(config.seqLen);
            let fill = 0;
            for (let k = 0; k < count; k++) {
                const t = tokensOf(k);
                let off = 0;
                while (off < t.length) {
                    const n = Math.min(config.seqLen - fill, t.length - off);
                    cur.set(t.subarray(off, off + n), fill);
                    fill += n;
                    off += n;
                    if (fill === config.seqLen) {
                        writer.add(cur);
                        fill = 0;
                    }
                }
            }
            writer.finish();
            return writer.numSequences;
        };
        const trainCount = pack("train", chosen.length, (k) => docs[domains[chosen[k]! % 4]!].read(Math.floor(chosen[k]! / 4)));
        const valCount = pack("validation", validation.numDocuments, (k) => validation.read(k));
        const sampledTotal = Object.values(sampled).reduce((a, b) => a + b, 0);
        const manifest: CorpusManifest = {
            format: "megatron-mmidx", seqLen: config.seqLen,
            tokenizer: { path: config.tokenizer, hash: tokenizer.hash, vocabSize: tokenizer.vocabSize },
            train: { prefix: "train", sequences: trainCount, tokens: trainCount * config.seqLen },
            validation: { prefix: "validation", sequences: valCount, tokens: valCount * config.seqLen },
            domains: Object.fromEntries(domains.map((d) => [d, {
                documents: docs[d].numDocuments, tokens: available[d], sampledTokens: sampled[d] ?? 0, weight: config.mix[d],
                achievedShare: sampledTotal > 0 ? (sampled[d] ?? 0) / sampledTotal : 0, targetShare: config.mix[d] / weightSum,
            }])),
            duplicates: { exact, near }, shards: of, config,
        };
        atomicWriteFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
        return manifest;
    } finally {
        for (const spill of [...Object.values(docs), validation]) {
            spill.dispose();
        }
        rmSync(spillDir, { recursive: true, force: true });
    }
}

/** A readable summary of a manifest (counts only). */
export function summarizeManifest(m: CorpusManifest): string {
    const rows = Object.entries(m.domains).map(([d, s]) =>
        `  ${d.padEnd(11)} docs ${String(s.documents).padStart(7)}  tokens ${String(s.tokens).padStart(10)}  sampled ${String(s.sampledTokens).padStart(10)}  share ${(100 * s.achievedShare).toFixed(1)}% (target ${(100 * s.targetShare).toFixed(1)}%)`);
    return [`corpus: ${m.train.sequences} train and ${m.validation.sequences} validation sequences of ${m.seqLen} tokens`,
        ...rows, `  duplicates removed: ${m.duplicates.exact} exact, ${m.duplicates.near} near`].join("\n");
}
