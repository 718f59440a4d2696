/**
 * SequenceBatcher: continuous batching over one InferenceSession. Each generate() call queues a sequence; one
 * loop decodes every running sequence together (InferenceSession.stepBatch: each weight read once per step for
 * all of them, so on a memory-bound CPU B sequences cost little more than one), admits queued ones into free
 * slots as others finish, and yields to the event loop between steps so new requests, timers and aborts get in.
 * A new sequence's prompt is processed on its own (prefill is compute-bound; batching it gains nothing).
 * Greedy output is the same as decoding each sequence alone (the decode kernels sum a row the same way for any
 * batch size); sampled output too, each sequence drawing from its own seeded generator.
 * Each sequence may carry its own LoRA adapter (GenerateOptions.adapter): sequences of different adapters, and of
 * the base model, decode in the same step over the same base weights.
 *
 * @example
 * const batcher = new SequenceBatcher(session, { maxBatch: 8 });
 * const outs = await Promise.all(prompts.map((p) => batcher.generate(tokenizer.encode(p, { bos: true }), { maxTokens: 64 })));
 */
import { ConfigError } from "../../errors/MellamaError.js";
import { ContextLengthError, type GenerateOptions, type GenerateOutput, type InferenceSession, MAX_DECODE_BATCH } from "./InferenceSession.js";
import type { KvCache } from "./KvCache.js";
import { SequenceDecoder } from "./SequenceDecoder.js";

export interface SequenceBatcherOptions {
    /** Sequences decoded together, 1..16; each slot keeps its KV cache (grown to the longest sequence it held) for reuse. Default 8. */
    maxBatch?: number;
}

interface Pending {
    promptIds: readonly number[];
    options: GenerateOptions;
    resolve: (out: GenerateOutput) => void;
    reject: (error: unknown) => void;
}

interface Running extends Pending {
    decoder: SequenceDecoder;
    cache: KvCache;
    /** The token to feed next, at decoder.feedPos. */
    token: number;
}

export class SequenceBatcher {
    public readonly maxBatch: number;
    private readonly session: InferenceSession;
    private readonly queue: Pending[] = [];
    private readonly running: Running[] = [];
    private readonly freeCaches: KvCache[] = [];
    private looping = false;
    /** Decode steps run, and the sequences they decoded together (rows / steps is the mean batch size). */
    private readonly counts = { steps: 0, rows: 0 };

    public constructor(session: InferenceSession, { maxBatch = 8 }: SequenceBatcherOptions = {}) {
        if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_DECODE_BATCH) {
            throw new ConfigError("maxBatch", `expected an integer in [1, ${MAX_DECODE_BATCH}], got ${maxBatch}`);
        }
        this.session = session;
        this.maxBatch = maxBatch;
    }

    /** Sequences queued or decoding. */
    public get pending(): number {
        return this.queue.length + this.running.length;
    }

    /** Decode steps run so far and the rows (sequences) they decoded: what a server reports and a bench compares. */
    public get stepCounts(): { steps: number; rows: number } {
        return { ...this.counts };
    }

    /** Generates from prompt ids (BOS included); resolves when the sequence finishes, rejects on a context overflow. */
    public generate(promptIds: readonly number[], options: GenerateOptions): Promise<GenerateOutput> {
        return new Promise<GenerateOutput>((resolve, reject) => {
            this.queue.push({ promptIds, options, resolve, reject });
            if (!this.looping) {
                this.looping = true;
                setImmediate(() => this.loop());
            }
        });
    }

    private async loop(): Promise<void> {
        try {
            while (this.queue.length > 0 || this.running.length > 0) {
                // While requests are arriving (this turn admitted some) and there is room, the event loop gets more
                // turns before the next step, until ARRIVAL_TURNS turns in a row bring none: a client's request takes
                // one turn to be accepted or read and one to reach generate(), so a burst of clients joins one step
                // instead of one step each (fewer, fuller steps: a step costs about the same for 1 or 16 sequences).
                // A steady batch, where nothing arrives, gets no extra turn.
                let admitted = this.admit();
                for (let empty = 0; admitted > 0 && empty < ARRIVAL_TURNS && this.running.length + this.queue.length < this.maxBatch;) {
                    await yieldToEventLoop();
                    const more = this.admit();
                    empty = more > 0 ? 0 : empty + 1;
                    admitted += more;
                }
                if (this.running.length > 0) {
                    this.decodeStep();
                }
                await yieldToEventLoop();
            }
        } finally {
            this.looping = false;
        }
    }

    /** Moves queued sequences into free slots, processing each prompt into its own cache; returns how many it took. */
    private admit(): number {
        let taken = 0;
        while (this.running.length < this.maxBatch && this.queue.length > 0) {
            const request = this.queue.shift()!;
            taken++;
            const cache = this.takeCache();
            try {
                if (request.promptIds.length >= this.session.maxContext) {
                    throw new ContextLengthError(request.promptIds.length, this.session.maxContext);
                }
                const decoder = new SequenceDecoder(this.session.tokenizer, request.promptIds, request.options, this.session.maxContext);
                const token = decoder.done ? null : decoder.next(this.session.step(Int32Array.from(request.promptIds),
                    0, cache, request.options.adapter ?? null));
                if (token === null) {
                    this.freeCaches.push(cache);
                    request.resolve(decoder.result());
                } else {
                    // Beside the sequences of the same adapter: each adapter's rows of a step are then contiguous (no gather).
                    const adapter = request.options.adapter;
                    const after = this.running.findLastIndex((r) => r.options.adapter === adapter);
                    this.running.splice(after < 0 ? this.running.length : after + 1, 0, { ...request, decoder, cache, token });
                }
            } catch (error) {
                this.freeCaches.push(cache);
                request.reject(error);
            }
        }
        return taken;
    }

    /** One token for every running sequence; finished ones leave and free their slot. */
    private decodeStep(): void {
        const batch = this.running;
        const B = batch.length;
        const vocab = this.session.config.vocabSize;
        let logits: Float32Array;
        try {
            logits = this.session.stepBatch(Int32Array.from(batch, (r) => r.token), Int32Array.from(batch, (r) => r.decoder.feedPos), batch.map((r) => r.cache),
                batch.some((r) => r.options.adapter !== undefined) ? batch.map((r) => r.options.adapter ?? null) : undefined);
        } catch (error) {
            // Not expected (positions and sizes are checked before a sequence is admitted): fail these, keep serving.
            for (const r of batch.splice(0)) {
                this.freeCaches.push(r.cache);
                r.reject(error);
            }
            return;
        }
        this.counts.steps++;
        this.counts.rows += B;
        const still: Running[] = [];
        for (let b = 0; b < B; b++) {
            const r = batch[b]!;
            const token = r.decoder.next(logits.subarray(b * vocab, (b + 1) * vocab));
            if (token === null) {
                this.freeCaches.push(r.cache);
                r.resolve(r.decoder.result());
            } else {
                r.token = token;
                still.push(r);
            }
        }
        batch.splice(0, B, ...still);
    }

    private takeCache(): KvCache {
        const free = this.freeCaches.pop();
        if (free !== undefined) {
            return free;
        }
        return this.session.createCache();
    }
}

/** Event-loop turns without a new request that end the wait for more of a burst before a step. */
const ARRIVAL_TURNS = 2;

function yieldToEventLoop(): Promise<void> {
    return new Promise<void>((resolve) => setImmediate(resolve));
}

