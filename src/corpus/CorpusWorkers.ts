/**
 * A small pool of worker threads for the corpus stages' per-document work (corpusWork.ts). Batches go to the
 * least-busy worker; each call returns a promise, and the stages await those promises in submission order, so
 * results are consumed exactly as the sequential loop would consume them and the output does not depend on
 * which worker ran what or when. Workers run corpusWorker.ts (compiled: .js) beside this file (startWorker).
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { startWorker } from "../util/startWorker.js";
import type { DocumentsResult, DocumentsTask, PackResult, WorkSettings } from "./corpusWork.js";

interface Pending {
    resolve: (value: never) => void;
    reject: (error: Error) => void;
    worker: number;
}

/**
 * Workers a build starts by default: one per core beside the calling thread, at most 3 (MELLAMA_CORPUS_WORKERS
 * overrides; 0 runs everything on the calling thread). On 2 cores that is 1: the calling thread cleans documents
 * whenever the worker is backed up, and a second worker would only add its own module loading and tokenizer
 * cache warm-up (docs/performance-notes.md).
 */
export function defaultCorpusWorkers(): number {
    const env = process.env.MELLAMA_CORPUS_WORKERS;
    if (env !== undefined && /^\d+$/.test(env)) {
        return Number(env);
    }
    return Math.max(1, Math.min(3, availableParallelism() - 1));
}

/** Batches waiting per worker before the calling thread does a documents batch itself. */
const QUEUE_PER_WORKER = 2;

export class CorpusWorkers {
    private readonly workers: Worker[] = [];
    private readonly busy: number[] = [];
    /** Why worker i stopped, once it has. */
    private readonly failed: (Error | null)[] = [];
    private readonly pending = new Map<number, Pending>();
    private readonly started: Promise<unknown>;
    private tokenizer: { path: string; hashes: Promise<(string | null)[]> } | null = null;
    private seq = 0;
    private closed = false;

    /** `settings` may come later through configure() (workers started before the config is read). */
    public constructor(count: number, settings: WorkSettings | null) {
        const ready: Promise<string | null>[] = [];
        for (let i = 0; i < count; i++) {
            // The young generation bounded (each worker is a whole heap of RSS) but not tiny: batches make short-lived
            // strings that a small one would promote again and again (docs/performance-notes.md).
            const worker = startWorker("./corpusWorker", import.meta.url, { workerData: { settings }, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
            ready.push(new Promise((resolve, reject) => {
                worker.on("message", (m: { ready?: boolean; seq?: number; result?: unknown; error?: string }) => {
                    if (m.ready === true) {
                        resolve(null);
                        return;
                    }
                    const p = this.pending.get(m.seq!);
                    if (p === undefined) {
                        return;
                    }
                    this.pending.delete(m.seq!);
                    this.busy[i]!--;
                    if (m.error !== undefined) {
                        p.reject(new Error(`corpus worker failed (${m.error})`));
                    } else {
                        p.resolve(m.result as never);
                    }
                });
                const fail = (error: Error): void => {
                    this.failed[i] ??= error;
                    reject(error);
                    for (const [seq, p] of this.pending) {
                        if (p.worker === i) {
                            this.pending.delete(seq);
                            p.reject(error);
                        }
                    }
                };
                worker.on("error", (e) => fail(new Error(`corpus worker stopped (${e.name})`)));
                worker.on("exit", (code) => {
                    if (!this.closed) {
                        fail(new Error(`corpus worker exited (code ${code})`));
                    }
                });
            }));
            this.workers.push(worker);
            this.busy.push(0);
            this.failed.push(null);
        }
        this.started = Promise.all(ready);
        // A failed start surfaces through the batches; this promise is only awaited by the tokenizer check.
        this.started.catch(() => undefined);
    }

    /**
     * Whether every worker has loaded the tokenizer at `path` and it is the caller's (its hash is `hash`): pack
     * batches need the very tokenizer the caller holds. Loaded once per pool.
     */
    public async tokenizerMatches(path: string, hash: string): Promise<boolean> {
        this.loadTokenizer(path);
        try {
            await this.started;
            return (await this.tokenizer!.hashes).every((h) => h === hash);
        } catch {
            return false;
        }
    }

    /** Sets the work settings of every worker (before any batch: each worker takes its messages in order). */
    public configure(settings: WorkSettings): void {
        for (const worker of this.workers) {
            worker.postMessage({ kind: "settings", settings });
        }
    }

    /** Starts loading the tokenizer at `path` in every worker (once per path), so it is ready when pack work comes. */
    public loadTokenizer(path: string): void {
        if (this.tokenizer?.path !== path) {
            const hashes = Promise.all(this.workers.map((_, i) => this.post<string | null>({ kind: "tokenizer", path }, i)));
            hashes.catch(() => undefined);
            this.tokenizer = { path, hashes };
        }
    }

    public get size(): number {
        return this.workers.length;
    }

    /**
     * Whether some worker has fewer than QUEUE_PER_WORKER batches waiting. When none has, the caller does the
     * batch itself: the calling thread (otherwise idle while it waits for results) is the last core's worker.
     */
    public hasRoom(): boolean {
        return this.busy.some((b, i) => b < QUEUE_PER_WORKER && this.failed[i] === null);
    }

    public documents(task: DocumentsTask): Promise<DocumentsResult> {
        return this.post({ kind: "documents", task });
    }

    public pack(texts: string[]): Promise<PackResult> {
        return this.post({ kind: "pack", texts });
    }

    public async close(): Promise<void> {
        this.closed = true;
        await Promise.all(this.workers.map((w) => w.terminate()));
    }

    /** Posts to worker `to`, else to the least busy. */
    private post<T>(message: object, to?: number): Promise<T> {
        let w = to ?? 0;
        for (let i = 1; to === undefined && i < this.workers.length; i++) {
            if (this.busy[i]! < this.busy[w]!) {
                w = i;
            }
        }
        if (this.failed[w] !== null) {
            return Promise.reject(this.failed[w]!);
        }
        const seq = this.seq++;
        this.busy[w]!++;
        return new Promise<T>((resolve, reject) => {
            this.pending.set(seq, { resolve: resolve as (value: never) => void, reject, worker: w });
            this.workers[w]!.postMessage({ seq, ...message });
        });
    }
}
