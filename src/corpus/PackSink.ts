/**
 * The pack stage's per-document half: documents arrive in canonical order; exact duplicates are dropped at once
 * (their key is computed here unless the caller has it), the rest go in batches for MinHash signatures and tokens
 * (worker threads when a pool is usable, else this thread), and results are consumed in order: near-duplicate
 * check, validation membership, token spill. Fed by packCorpus from the documents shards, or directly by the
 * documents stage when one process builds a single shard (buildCorpus), which saves writing and re-reading.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Tokenizer } from "../tokenizer/Tokenizer.js";
import type { CorpusConfig } from "./CorpusConfig.js";
import { type PackResult, packWork } from "./corpusWork.js";
import { ExactKeySet } from "./ExactKeySet.js";
import { CorpusWorkers, defaultCorpusWorkers } from "./CorpusWorkers.js";
import { exactKey, MinHashLsh } from "./dedup.js";
import { OrderedBatches } from "./OrderedBatches.js";
import type { TokenSpill } from "./TokenSpill.js";

export type Domain = "biomedical" | "clinical" | "general";

export interface DocLine {
    source: string;
    domain: Domain;
    index: number;
    id: string;
    text: string;
}

export interface PackSinkOptions {
    workers?: number;
    pool?: CorpusWorkers;
}

/** Documents (or texts) per batch handed to a worker, and batches in flight per worker: enough to keep both busy, little memory. */
export const BATCH_DOCS = 128;
export const BATCH_CHARS = 1 << 19;
export const IN_FLIGHT_PER_WORKER = 3;

export class PackSink {
    public exact = 0;
    public near = 0;
    private readonly seen = new ExactKeySet();
    private readonly lsh: MinHashLsh;
    private readonly batches: OrderedBatches<DocLine, PackResult>;
    private readonly workers: number;
    private pool: CorpusWorkers | null;
    private poolUsable: Promise<boolean> | null = null;
    private meta: DocLine[] = [];
    private chars = 0;

    public constructor(private readonly config: CorpusConfig, private readonly tokenizer: Tokenizer,
        spills: { dir: string; docs: Record<Domain, TokenSpill>; validation: TokenSpill }, private readonly options: PackSinkOptions) {
        // Indexed signatures go to the spill directory: only the band table stays in memory.
        this.lsh = new MinHashLsh(config.dedup, { signatureFile: join(spills.dir, "signatures.u32") });
        this.workers = options.pool?.size ?? options.workers ?? defaultCorpusWorkers();
        this.pool = options.pool ?? null;
        const n = this.lsh.signatureLength;
        this.batches = new OrderedBatches(IN_FLIGHT_PER_WORKER * Math.max(1, this.workers), (meta, r) => {
            meta.forEach((d, k) => {
                if (this.lsh.addOrMatchSignature(r.signatures.subarray(k * n, (k + 1) * n)) >= 0) {
                    this.near++;
                    return;
                }
                // Validation membership by a hash of the document key: stable under any sharding.
                const h = parseInt(createHash("sha1").update(`${config.seed}:${d.source}:${d.id}`).digest("hex").slice(0, 8), 16) / 2 ** 32;
                (h < config.validationFraction ? spills.validation : spills.docs[d.domain]).addRange(r.ids, r.offsets[k]!, r.offsets[k + 1]!);
            });
        });
    }

    /** The next document in canonical order; `key` is its exactKey when the caller already has it. */
    public async add(d: DocLine, key: string = exactKey(d.text)): Promise<void> {
        if (!this.seen.add(key)) {
            this.exact++;
            return;
        }
        this.meta.push(d);
        this.chars += d.text.length;
        if (this.meta.length >= BATCH_DOCS || this.chars >= BATCH_CHARS) {
            await this.flush(true);
        }
    }

    /** Processes what is left; the spills are complete after it. */
    public async finish(): Promise<void> {
        await this.flush(false);
        await this.batches.drain();
    }

    /** Removes the signature file and stops the workers this sink started (not a caller's pool). */
    public async close(): Promise<void> {
        this.lsh.dispose();
        if (this.pool !== null && this.pool !== this.options.pool) {
            await this.pool.close();
        }
    }

    private async flush(full: boolean): Promise<void> {
        if (this.meta.length === 0) {
            return;
        }
        const meta = this.meta;
        const texts = meta.map((d) => d.text);
        if (this.poolUsable === null && (full || this.options.pool !== undefined) && this.workers > 0) {
            this.pool ??= new CorpusWorkers(this.workers, { quality: this.config.quality, phiMode: this.config.phi.mode, dedup: this.config.dedup });
            // Workers load the config's tokenizer; a caller's other tokenizer keeps the work on this thread.
            this.poolUsable = this.pool.tokenizerMatches(this.config.tokenizer, this.tokenizer.hash);
        }
        // Always to the workers when they can (tokenizing in one place keeps one warm word cache). Not awaited
        // here: this thread goes on reading and cleaning while the workers start.
        const pool = this.pool;
        const result = this.poolUsable === null
            ? Promise.resolve(packWork(texts, this.lsh, this.tokenizer))
            : this.poolUsable.then((ok) => (ok ? pool!.pack(texts) : packWork(texts, this.lsh, this.tokenizer)));
        // The texts are not needed again: the batch keeps only what the ordered consumer reads.
        for (const d of meta) {
            d.text = "";
        }
        this.meta = [];
        this.chars = 0;
        await this.batches.submit(meta, result);
    }
}
