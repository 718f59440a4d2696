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
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ConfigError, DegenerateResultError, FormatError, MellamaError } from "../errors/MellamaError.js";
import { SourceReadError } from "../errors/SourceReadError.js";
import { StorageError } from "../errors/StorageError.js";
import { MegatronWriter } from "../formats/shards/MegatronWriter.js";
import type { Tokenizer } from "../tokenizer/Tokenizer.js";
import { atomicWriteFileSync } from "../util/atomicWrite.js";
import { createProgress, type Progress } from "../util/progress.js";
import { Rng } from "../util/rng.js";
import { RunLock } from "../util/runLock.js";
import { sweepStaleTemps } from "../util/sweepStaleTemps.js";
import type { CorpusConfig } from "./CorpusConfig.js";
import { documentsWork, type DocumentsResult, type WorkSettings } from "./corpusWork.js";
import { CorpusWorkers, defaultCorpusWorkers } from "./CorpusWorkers.js";
import { OrderedBatches } from "./OrderedBatches.js";
import { BATCH_CHARS, BATCH_DOCS, type DocLine, type Domain, IN_FLIGHT_PER_WORKER, PackSink } from "./PackSink.js";
import { readDocuments, sourceBytes, type SourceFormat } from "./readers.js";
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

/**
 * What a shard's documents file was made from: the document stage's settings, the shard split and each source
 * file's size and mtime. A marker whose identity differs from the current one is stale (the config or an input
 * changed since), so the shard is rebuilt rather than reused; a merge refuses shards of another identity.
 */
type DocumentsIdentity = Record<string, unknown>;

/** A shard's completion marker: its statistics, what made it, and the record count and SHA-256 of its documents file. */
interface DocumentsMarker extends DocumentStageStats {
    identity: DocumentsIdentity;
    records: number;
    sha256: string;
}

function statStamp(path: string): unknown {
    try {
        const s = statSync(path);
        return { size: s.size, mtimeMs: Math.trunc(s.mtimeMs) };
    } catch {
        return null;
    }
}

function documentsIdentity(config: CorpusConfig, of: number): DocumentsIdentity {
    return {
        shards: of, quality: config.quality, phi: config.phi,
        sources: config.sources.map((s) => ({ ...s, stamp: statStamp(s.path),
            excludeStamp: s.excludeIdsFrom === undefined ? null : statStamp(s.excludeIdsFrom) })),
    };
}

/** The top-level keys in which two identities differ ("phi", "sources"), for messages. */
function identityDifference(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

function readMarker(path: string): DocumentsMarker | null {
    try {
        const m = JSON.parse(readFileSync(path, "utf8")) as Partial<DocumentsMarker>;
        return typeof m.sha256 === "string" && typeof m.records === "number" && m.identity !== undefined ? m as DocumentsMarker : null;
    } catch {
        return null;
    }
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

/** buildDocuments' options: also a pack sink fed each kept document in order (a single-shard build's both stages at once). */
interface DocumentStageOptions extends CorpusRunOptions {
    sink?: PackSink;
}

const settingsOf = (config: CorpusConfig): WorkSettings => ({ quality: config.quality, phiMode: config.phi.mode, dedup: config.dedup });

/** Stage 1 for one shard; skipped when its marker exists. Returns its statistics. */
export async function buildDocuments(config: CorpusConfig, shard = 0, of = 1, log: (line: string) => void = () => undefined,
    options: DocumentStageOptions = {}): Promise<DocumentStageStats> {
    const marker = markerOf(config.output, shard, of);
    const identity = documentsIdentity(config, of);
    if (existsSync(marker)) {
        const done = readMarker(marker);
        const changed = done === null ? ["(marker of an older mellama)"] : identityDifference(done.identity, identity);
        if (done !== null && changed.length === 0) {
            log(`documents (shard ${shard} of ${of}): done before, skipped`);
            return done;
        }
        // The old marker stays until the new one replaces it: a failed rebuild leaves the shard as it was.
        log(`documents (shard ${shard} of ${of}): built before with different ${changed.join(", ")}; rebuilding`);
        // The pack made from the old documents is stale with them.
        rmSync(join(config.output, "manifest.json"), { force: true });
    }
    mkdirSync(join(config.output, "docs"), { recursive: true });
    sweepStaleTemps(join(config.output, "docs"));
    const hash = createHash("sha256");
    let records = 0;
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
        hash.update(line);
        records++;
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
            // Progress in MB of the source read (every shard reads the whole source), so the bar has an ETA.
            let read = 0;
            const sourceProgress = createProgress({ label: `documents (source ${source.name}${of > 1 ? `, shard ${shard} of ${of}` : ""})`,
                total: sourceBytesOrZero(source.format, source.path), unit: "MB", scale: 1e6 });
            progress = sourceProgress;
            const exclude = excludedIds(source.excludeIdsFrom);
            const batches = new OrderedBatches<{ index: number; id: string }, DocumentsResult>(IN_FLIGHT_PER_WORKER * Math.max(1, workers), async (meta, r) => {
                for (let k = 0; k < meta.length; k++) {
                    const { index, id } = meta[k]!;
                    const reason = r.reasons[k]!;
                    if (reason !== null) {
                        bump(stats.dropped, `${source.name}:${reason}`);
                        continue;
                    }
                    for (const [c, v] of Object.entries(r.phi[k] ?? {})) {
                        bump(stats.phi, c, v);
                    }
                    bump(stats.kept, source.name);
                    const doc = { source: source.name, domain: source.domain, index, id, text: r.texts[k]! };
                    write(`${JSON.stringify(doc)}\n`);
                    await options.sink?.add(doc, r.keys?.[k] ?? undefined);
                }
            });
            let meta: { index: number; id: string }[] = [];
            let texts: string[] = [];
            let chars = 0;
            const flush = async (full: boolean): Promise<void> => {
                if (texts.length === 0) {
                    return;
                }
                const task = { texts, quality: source.quality, phi: source.domain === "clinical", keys: options.sink !== undefined };
                if (pool === null && full && workers > 0) {
                    pool = new CorpusWorkers(workers, settings);
                }
                const result = pool === null || !pool.hasRoom() ? Promise.resolve(documentsWork(task, settings)) : pool.documents(task);
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
                },
                onBytes: (n) => {
                    read += n;
                } })) {
                index++;
                if (index % 64 === 0) {
                    sourceProgress.update(read);
                }
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
            sourceProgress.update(read);
            sourceProgress.stop();
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
        if (e.syscall === "write" || StorageError.from(e, out) instanceof StorageError) {
            throw StorageError.from(e, out);
        }
        // Only the error code and the source: a raw message could quote the input.
        throw new SourceReadError(current?.name ?? "?", current?.path ?? "?", `cannot read (${e.code ?? e.name})`);
    } finally {
        if (pool !== options.pool) {
            await (pool as CorpusWorkers | null)?.close();
        }
    }
    closeSync(fd);
    renameSync(tmp, out);
    const done: DocumentsMarker = { ...stats, identity, records, sha256: hash.digest("hex") };
    atomicWriteFileSync(marker, `${JSON.stringify(done, null, 2)}\n`);
    return done;
}

/** The source's size for the progress total; 0 (a count without ETA) when it cannot be read: the reader reports why. */
function sourceBytesOrZero(format: SourceFormat, path: string): number {
    try {
        return sourceBytes(format, path);
    } catch {
        return 0;
    }
}

/** Documents of all shards in canonical order (source order in the config, then index): a k-way merge. */
async function* mergedDocuments(config: CorpusConfig, of: number, markers: readonly DocumentsMarker[]): AsyncGenerator<DocLine> {
    const order = new Map(config.sources.map((s, i) => [s.name, i]));
    const iters = Array.from({ length: of }, (_, s) => createInterface({ input: createReadStream(docsOf(config.output, s, of)),
        crlfDelay: Infinity })[Symbol.asyncIterator]());
    // Each documents file is checked against its marker as it is read (count and SHA-256 of its lines): a truncated
    // or edited file fails the merge before anything is written. A line that is not JSON is named by number only.
    const hashes = markers.map(() => createHash("sha256"));
    const counts = markers.map(() => 0);
    const next = async (s: number): Promise<DocLine | null> => {
        const r = await iters[s]!.next();
        const file = docsOf(config.output, s, of);
        if (r.done) {
            if (counts[s] !== markers[s]!.records || hashes[s]!.digest("hex") !== markers[s]!.sha256) {
                throw new FormatError(file, "contents", `${counts[s]} records that do not match its marker (${markers[s]!.records} records and their checksum); `
                    + `the file was truncated or changed: remove it and ${markerOf(config.output, s, of)} and rebuild the shard`);
            }
            return null;
        }
        counts[s]!++;
        hashes[s]!.update(`${r.value}\n`);
        try {
            return JSON.parse(r.value) as DocLine;
        } catch {
            throw new FormatError(file, `line ${counts[s]}`, "is not a document record (the file is corrupt): remove it and its .done marker and rebuild the shard");
        }
    };
    const heads: (DocLine | null)[] = await Promise.all(iters.map(async (_, s) => next(s)));
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
        heads[best] = await next(best);
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
    /** What the pack was made from (config, tokenizer, shard count, each documents file's checksum); a differing one is rebuilt. */
    identity?: Record<string, unknown>;
}

function packIdentity(config: CorpusConfig, tokenizer: Tokenizer, markers: readonly DocumentsMarker[]): Record<string, unknown> {
    return { config, tokenizer: tokenizer.hash, shards: markers.length, documents: markers.map((m) => m.sha256) };
}

/** The manifest of an earlier pack of exactly these inputs, or null (none, or made from something else: rebuilt). */
function reusableManifest(config: CorpusConfig, tokenizer: Tokenizer, markers: readonly DocumentsMarker[], log: (line: string) => void): CorpusManifest | null {
    const path = join(config.output, "manifest.json");
    if (!existsSync(path)) {
        return null;
    }
    let old: CorpusManifest | null;
    try {
        old = JSON.parse(readFileSync(path, "utf8")) as CorpusManifest;
    } catch {
        old = null;
    }
    const changed = old?.identity === undefined ? ["(manifest of an older mellama)"] : identityDifference(old.identity, packIdentity(config, tokenizer, markers));
    if (changed.length === 0) {
        log("pack: done before, skipped");
        return old;
    }
    log(`pack: built before with different ${changed.join(", ")}; rebuilding`);
    rmSync(path, { force: true });
    return null;
}

const DOMAINS = ["biomedical", "clinical", "general"] as const;

interface Spills {
    dir: string;
    docs: Record<Domain, TokenSpill>;
    validation: TokenSpill;
}

/** Per-domain token spill files (and validation), in a directory of this process; a killed run's are removed first. */
function openSpills(config: CorpusConfig): Spills {
    mkdirSync(config.output, { recursive: true });
    // A run killed during this stage leaves its spill directory and partial shards (the run lock keeps live ones apart).
    sweepStaleTemps(config.output);
    const dir = join(config.output, `pack.tmp-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const docs = Object.fromEntries(DOMAINS.map((d) => [d, new TokenSpill(join(dir, `${d}.i32`))])) as Record<Domain, TokenSpill>;
    return { dir, docs, validation: new TokenSpill(join(dir, "validation.i32")) };
}

function disposeSpills(spills: Spills): void {
    for (const spill of [...Object.values(spills.docs), spills.validation]) {
        spill.dispose();
    }
    rmSync(spills.dir, { recursive: true, force: true });
}

/** Stage 2: merge, dedup, tokenize, mix, pack. Skipped when manifest.json exists. */
export async function packCorpus(config: CorpusConfig, tokenizer: Tokenizer, of = 1, log: (line: string) => void = () => undefined,
    options: CorpusRunOptions = {}): Promise<CorpusManifest> {
    if (!Number.isSafeInteger(of) || of < 1) {
        throw new ConfigError("--shards", `must be the number of shards the build was split into (at least 1), got ${of}`);
    }
    mkdirSync(config.output, { recursive: true });
    using _lock = RunLock.acquire(config.output, "corpus merge");
    const missing = Array.from({ length: of }, (_, i) => i).filter((i) => !existsSync(markerOf(config.output, i, of)));
    if (missing.length > 0) {
        throw new MissingShardsError(missing, of);
    }
    const identity = documentsIdentity(config, of);
    const markers = Array.from({ length: of }, (_, i) => {
        const m = readMarker(markerOf(config.output, i, of));
        const changed = m === null ? ["(marker of an older mellama)"] : identityDifference(m.identity, identity);
        if (changed.length > 0) {
            throw new ConfigError(markerOf(config.output, i, of), `shard ${i} was built with different ${changed.join(", ")} than this config; `
                + `rebuild it with \`mellama corpus build CONFIG --shard ${i}/${of}\``);
        }
        return m!;
    });
    const reused = reusableManifest(config, tokenizer, markers, log);
    if (reused !== null) {
        return reused;
    }
    // Tokens go to per-domain spill files, not memory: only 12 bytes per document stay resident.
    const spills = openSpills(config);
    try {
        const sink = new PackSink(config, tokenizer, spills, options);
        const progress = createProgress({ label: "pack", total: 0, unit: "docs" });
        try {
            for await (const d of mergedDocuments(config, of, markers)) {
                progress.increment();
                await sink.add(d);
            }
            await sink.finish();
        } finally {
            progress.stop();
            await sink.close();
        }
        return writeShards(config, tokenizer, spills, { exact: sink.exact, near: sink.near }, of, packIdentity(config, tokenizer, markers));
    } finally {
        disposeSpills(spills);
    }
}

/**
 * Both stages of a single-shard build in one pass: each kept document goes from the documents stage straight to
 * the pack stage's sink, in the same canonical order, so the result is byte-identical to buildDocuments then
 * packCorpus (which it falls back to when either stage is already done), without re-reading the documents file.
 */
export async function buildCorpus(config: CorpusConfig, tokenizer: Tokenizer, log: (line: string) => void = () => undefined,
    options: CorpusRunOptions = {}): Promise<{ stats: DocumentStageStats; manifest: CorpusManifest }> {
    if (existsSync(markerOf(config.output, 0, 1))) {
        const stats = await buildDocuments(config, 0, 1, log, options);
        return { stats, manifest: await packCorpus(config, tokenizer, 1, log, options) };
    }
    mkdirSync(config.output, { recursive: true });
    using _lock = RunLock.acquire(config.output, "corpus build");
    // A pack left from other documents (the marker is gone) is stale.
    rmSync(join(config.output, "manifest.json"), { force: true });
    const spills = openSpills(config);
    try {
        const sink = new PackSink(config, tokenizer, spills, options);
        let stats: DocumentStageStats;
        try {
            stats = await buildDocuments(config, 0, 1, log, { ...options, sink });
            await sink.finish();
        } finally {
            await sink.close();
        }
        const marker = readMarker(markerOf(config.output, 0, 1))!;
        return { stats, manifest: writeShards(config, tokenizer, spills, { exact: sink.exact, near: sink.near }, 1,
            packIdentity(config, tokenizer, [marker])) };
    } finally {
        disposeSpills(spills);
    }
}

/** Mix the spilled documents by tokens to the domain weights, pack train and validation shards, write the manifest. */
function writeShards(config: CorpusConfig, tokenizer: Tokenizer, spills: Spills, duplicates: { exact: number; near: number }, of: number,
    identity: Record<string, unknown>): CorpusManifest {
    const { docs, validation } = spills;
    const { exact, near } = duplicates;
    const domains = DOMAINS;
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
    if (chosen.length === 0) {
        throw new DegenerateResultError(config.output, "no document survived reading, cleaning, quality rules and deduplication (or every domain with documents has "
            + "mix weight 0); nothing was written. Check the sources' paths, formats and columns");
    }
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
        duplicates: { exact, near }, shards: of, config, identity,
    };
    atomicWriteFileSync(join(config.output, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
}

/** A readable summary of a manifest (counts only). */
export function summarizeManifest(m: CorpusManifest): string {
    const rows = Object.entries(m.domains).map(([d, s]) =>
        `  ${d.padEnd(11)} docs ${String(s.documents).padStart(7)}  tokens ${String(s.tokens).padStart(10)}  sampled ${String(s.sampledTokens).padStart(10)}  share ${(100 * s.achievedShare).toFixed(1)}% (target ${(100 * s.targetShare).toFixed(1)}%)`);
    return [`corpus: ${m.train.sequences} train and ${m.validation.sequences} validation sequences of ${m.seqLen} tokens`,
        ...rows, `  duplicates removed: ${m.duplicates.exact} exact, ${m.duplicates.near} near`].join("\n");
}
