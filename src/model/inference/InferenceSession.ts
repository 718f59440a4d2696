/**
 * InferenceSession: text generation from a LLaMA-2 model with a KV cache — the one session type of mellama.
 * Weights stay at rest in their storage type (InferenceWeights: F32, F16, BF16 or Q8_0 per tensor) and every
 * linear layer runs on that type through the KernelSet (matmulForward, matmulF16, matmulBF16, matmulQ8_0,
 * matmulQuant for the other ggml block types).
 *
 * One layer sequence (`forward`) serves all three uses: a prompt chunk (T rows of one sequence at consecutive
 * positions), batched decoding (one row for each of B sequences, each at its own position with its own cache), and
 * logits for scoring. Greedy by default; temperature, top-k and top-p sampling with a seed; stop strings; EOS; a
 * context-length limit that is an error, not a silent cut. `generate` and `generateBatch` go through the session's
 * SequenceBatcher: sequences in flight at the same time decode together, each weight read once per step for all
 * of them, and each output is the same as generating it alone.
 * LoRA adapters run unmerged (LoraAdapter): each sequence may carry one, and every projection it adapts adds
 * s · B (A x) to its base output for that sequence's rows (LoraSidePath), so one base serves many adapters, in the
 * same batch, whatever the base weights' storage type.
 * The session owns the kernel set it was given by loadForInference and releases it (threads) in dispose().
 */
import { MellamaError } from "../../errors/MellamaError.js";
import { GgmlType } from "../../formats/gguf/ggufTypes.js";
import type { QuantKernelType } from "../../kernels/DecodeKernels.js";
import type { KernelSet } from "../../kernels/KernelSet.js";
import { adviseHugePages } from "../../kernels/native/nativeKernels.js";
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";
import { type LlamaConfig, headDim, kvDim } from "../LlamaConfig.js";
import type { LlamaModel } from "../LlamaModel.js";
import { fillRopeTables, ropeInvFreq } from "../ropeFrequencies.js";
import { type InferenceWeights, LINEAR_NAMES, type StoredWeight, inferenceWeightsFromModel, readRowF32 } from "./InferenceWeights.js";
import { KvCache } from "./KvCache.js";
import type { LinearName, LoraAdapter } from "./LoraAdapter.js";
import { LoraSidePath, loraRowGroups } from "./LoraSidePath.js";
import { SequenceBatcher } from "./SequenceBatcher.js";
import { SequenceDecoder } from "./SequenceDecoder.js";

export { applyRepetitionPenalty, sample } from "./SequenceDecoder.js";

/** Most sequences one stepBatch call takes (the decode kernels' row-by-row path, see kDecodeRows in C++). */
export const MAX_DECODE_BATCH = 16;

export interface GenerateOptions {
    maxTokens: number;
    temperature?: number;
    topK?: number;
    topP?: number;
    seed?: number;
    /** > 1 discourages tokens already in the prompt or the output (HF/llama.cpp: logit / p if > 0, else logit * p). */
    repetitionPenalty?: number;
    stop?: readonly string[];
    /** Checked before every decoded token; an aborted signal ends generation with finishReason "length". */
    signal?: AbortSignal;
    onText?: (chunk: string) => void;
    /** A LoRA adapter for this model, applied unmerged (LoraAdapter.load); default none: the base model. */
    adapter?: LoraAdapter;
}

export interface GenerateOutput {
    text: string;
    tokens: number[];
    finishReason: "stop" | "eos" | "length";
    /** True when generation ended because the context was full (finishReason is then "length"). */
    contextFull: boolean;
}

export class ContextLengthError extends MellamaError {
    public constructor(tokens: number, limit: number) {
        super("CONTEXT_LENGTH", `the prompt has ${tokens} tokens; the model's context is ${limit}`);
    }
}

export interface InferenceSessionOptions {
    /** The weights at rest; or `model`, a LlamaModel whose F32 tensors are used in place (and whose kernels run). */
    weights?: InferenceWeights;
    model?: LlamaModel;
    /** Required with `weights`. */
    kernels?: KernelSet;
    tokenizer: Tokenizer;
    /** Longest prompt + generation; default the model's maxSeqLen. */
    maxContext?: number;
    /** Prompt tokens per prefill matmul batch; default 512. */
    prefillChunk?: number;
    /** Sequences decoded together by generate/generateBatch, 1..16 (each keeps its own KV cache); default 8. */
    maxBatch?: number;
    /** Dispose `kernels` with the session (loadForInference creates them for it). */
    ownsKernels?: boolean;
}

/** Rows [start, start + T) of a forward call belong to one sequence at positions pos0 .. pos0 + T - 1. */
interface Segment {
    cache: KvCache;
    pos0: number;
    start: number;
    T: number;
    adapter: LoraAdapter | null;
}

type BufferName = "x" | "h" | "q" | "k" | "v" | "att" | "o" | "gate" | "up" | "rstd" | "last" | "embedRow";

export class InferenceSession {
    public readonly config: LlamaConfig;
    public readonly tokenizer: Tokenizer;
    public readonly maxContext: number;
    public readonly weights: InferenceWeights;
    public readonly kernels: KernelSet;
    /** The scheduler behind generate and generateBatch (for prompts already tokenized). */
    public readonly batcher: SequenceBatcher;
    private readonly chunk: number;
    private readonly ownsKernels: boolean;
    /** The cache of step() without one given (logits, loglikelihood, perplexity, generateFromIds). */
    private readonly cache: KvCache;
    private logitsBuf: Float32Array;
    private cos = new Float32Array(0);
    private sin = new Float32Array(0);
    private readonly buf: Record<BufferName, Float32Array>;
    private readonly lora: LoraSidePath;
    private disposed = false;

    public constructor({ weights, model, kernels, tokenizer, maxContext, prefillChunk = 512, maxBatch, ownsKernels = false }: InferenceSessionOptions) {
        if ((weights === undefined) === (model === undefined)) {
            throw new MellamaError("SESSION", "an InferenceSession takes exactly one of weights and model");
        }
        this.weights = weights ?? inferenceWeightsFromModel(model!);
        const k = kernels ?? model?.kernels;
        if (k === undefined) {
            throw new MellamaError("SESSION", "an InferenceSession built from weights needs its kernels");
        }
        this.kernels = k;
        this.ownsKernels = ownsKernels;
        const c = this.weights.config;
        this.config = c;
        this.tokenizer = tokenizer;
        this.maxContext = Math.max(1, Math.min(maxContext ?? c.maxSeqLen, c.maxSeqLen));
        this.chunk = Math.max(1, Math.min(prefillChunk, this.maxContext));
        this.cache = this.createCache();
        // Decoding streams every weight once per token: 2 MiB pages save the page walks (no-op off Linux).
        for (const w of [this.weights.lmHead, ...this.weights.layers.flatMap((L) => LINEAR_NAMES.map((n) => L[n]))]) {
            adviseHugePages(w.data);
        }
        const N = Math.max(this.chunk, MAX_DECODE_BATCH);
        const KV = kvDim(c);
        this.buf = {
            x: new Float32Array(N * c.dim), h: new Float32Array(N * c.dim), q: new Float32Array(N * c.dim), k: new Float32Array(N * KV),
            v: new Float32Array(N * KV), att: new Float32Array(N * c.dim), o: new Float32Array(N * c.dim), gate: new Float32Array(N * c.hiddenDim),
            up: new Float32Array(N * c.hiddenDim), rstd: new Float32Array(N), last: new Float32Array(MAX_DECODE_BATCH * c.dim),
            embedRow: new Float32Array(c.dim),
        };
        this.logitsBuf = new Float32Array(c.vocabSize);
        this.lora = new LoraSidePath(this.kernels);
        this.batcher = new SequenceBatcher(this, maxBatch === undefined ? {} : { maxBatch });
    }

    /** A fresh, empty KV cache for one more sequence (it grows as the sequence does). */
    public createCache(): KvCache {
        return new KvCache(this.config.nLayers, kvDim(this.config), this.maxContext);
    }

    /**
     * Runs tokens at positions pos0.. of one sequence through the model (with `adapter`, if given), filling its
     * cache; returns the last row's logits.
     */
    public step(tokens: Int32Array, pos0: number, cache: KvCache = this.cache, adapter: LoraAdapter | null = null): Float32Array {
        if (pos0 + tokens.length > this.maxContext) {
            throw new ContextLengthError(pos0 + tokens.length, this.maxContext);
        }
        this.checkAdapter(adapter);
        let logits = this.logitsBuf;
        for (let start = 0; start < tokens.length; start += this.chunk) {
            const T = Math.min(this.chunk, tokens.length - start);
            logits = this.forward(tokens.subarray(start, start + T), [{ cache, pos0: pos0 + start, start: 0, T, adapter }]);
        }
        return logits;
    }

    /**
     * Logits at EVERY row of tokens run at positions pos0.. of one sequence (filling its cache): row t of the
     * (T, vocab) result predicts the token after tokens[t]. Scoring (log-likelihood, perplexity) needs each
     * position's distribution; generation only the last (step). A fresh array, prompt-chunked like step.
     */
    public stepAllLogits(tokens: Int32Array, pos0: number, cache: KvCache = this.cache, adapter: LoraAdapter | null = null): Float32Array {
        if (pos0 + tokens.length > this.maxContext) {
            throw new ContextLengthError(pos0 + tokens.length, this.maxContext);
        }
        const V = this.config.vocabSize;
        const out = new Float32Array(tokens.length * V);
        for (let start = 0; start < tokens.length; start += this.chunk) {
            const T = Math.min(this.chunk, tokens.length - start);
            out.set(this.forward(tokens.subarray(start, start + T), [{ cache, pos0: pos0 + start, start: 0, T, adapter }], true), start * V);
        }
        return out;
    }

    /**
     * One decode step for B sequences at once: row b is token tokens[b] at position positions[b] of the sequence
     * whose cache is caches[b] (which already holds its earlier positions). Every linear layer runs as one B-row
     * matmul, so each weight is read once for all B. Returns the (B, vocab) logits, valid until the next call.
     * A row gets the logits it would get alone. `adapters[b]` is row b's LoRA adapter or null (default: none).
     */
    public stepBatch(tokens: Int32Array, positions: Int32Array, caches: readonly KvCache[], adapters?: readonly (LoraAdapter | null)[]): Float32Array {
        const B = tokens.length;
        if (B < 1 || B > MAX_DECODE_BATCH || positions.length !== B || caches.length !== B || (adapters !== undefined && adapters.length !== B)) {
            throw new MellamaError("DECODE_BATCH", `stepBatch takes 1..${MAX_DECODE_BATCH} sequences with one position, one cache (and one adapter or null) each `
                + `(got ${B}, ${positions.length}, ${caches.length}${adapters === undefined ? "" : `, ${adapters.length}`})`);
        }
        adapters?.forEach((a) => this.checkAdapter(a));
        for (const p of positions) {
            if (!(p >= 0 && p < this.maxContext)) {
                throw new ContextLengthError(p + 1, this.maxContext);
            }
        }
        return this.forward(tokens, caches.map((cache, b) => ({ cache, pos0: positions[b]!, start: b, T: 1, adapter: adapters?.[b] ?? null })));
    }

    /** An adapter read for another shape of model would index past its layers: refused before any work. */
    private checkAdapter(adapter: LoraAdapter | null): void {
        if (adapter !== null && !adapter.fits(this.config)) {
            throw new MellamaError("ADAPTER", `the LoRA adapter "${adapter.name}" was read for a model of another shape than this session's`);
        }
    }

    /**
     * The layer sequence over the rows of `segments`; returns the logits of each segment's last row, (segments, vocab),
     * or with allRows (one segment) the logits of every row, (T, vocab).
     */
    private forward(tokens: Int32Array, segments: readonly Segment[], allRows = false): Float32Array {
        if (this.disposed) {
            throw new MellamaError("SESSION", "this inference session has been disposed");
        }
        const c = this.config;
        const k = this.kernels;
        const W = this.weights;
        const N = tokens.length;
        const D = c.dim;
        const H = c.hiddenDim;
        const KV = kvDim(c);
        const HS = headDim(c);
        for (const s of segments) {
            s.cache.reserve(s.pos0 + s.T);
        }
        this.reserveRope(Math.max(...segments.map((s) => s.pos0 + s.T)));
        const rows = <K extends BufferName>(name: K, width: number): Float32Array => this.buf[name].subarray(0, N * width);
        const x = rows("x", D);
        const h = rows("h", D);
        const q = rows("q", D);
        const kNew = rows("k", KV);
        const vNew = rows("v", KV);
        const att = rows("att", D);
        const o = rows("o", D);
        const gate = rows("gate", H);
        const up = rows("up", H);
        const rstd = this.buf.rstd;
        const lora = segments.some((s) => s.adapter !== null) ? loraRowGroups(segments.flatMap((s) => Array<LoraAdapter | null>(s.T).fill(s.adapter))) : [];
        // out = inp · Wᵀ on W's storage type, plus the LoRA term of the rows whose sequence has an adapter for it.
        const project = (out: Float32Array, inp: Float32Array, l: number, name: LinearName, C: number, OC: number): void => {
            this.linear(out, inp, W.layers[l]![name], N, C, OC);
            if (lora.length > 0) {
                this.lora.apply(out, inp, lora, l, name, C, OC);
            }
        };
        this.embed(x, tokens);
        for (let l = 0; l < c.nLayers; l++) {
            const L = W.layers[l]!;
            k.rmsnormForward(h, rstd, x, L.inputLayernorm, N, D, c.normEps);
            project(q, h, l, "qProj", D, D);
            project(kNew, h, l, "kProj", D, KV);
            project(vNew, h, l, "vProj", D, KV);
            for (const s of segments) {
                const qs = q.subarray(s.start * D, (s.start + s.T) * D);
                const ks = kNew.subarray(s.start * KV, (s.start + s.T) * KV);
                k.ropeForward(qs, qs, this.cos, this.sin, null, 1, s.T, c.nHeads, HS, s.pos0);
                k.ropeForward(ks, ks, this.cos, this.sin, null, 1, s.T, c.nKvHeads, HS, s.pos0);
                s.cache.k[l]!.set(ks, s.pos0 * KV);
                s.cache.v[l]!.set(vNew.subarray(s.start * KV, (s.start + s.T) * KV), s.pos0 * KV);
                k.attentionForwardCached(att.subarray(s.start * D, (s.start + s.T) * D), qs, s.cache.k[l]!, s.cache.v[l]!,
                    s.T, s.pos0, c.nHeads, c.nKvHeads, HS);
            }
            project(o, att, l, "oProj", D, D);
            k.addInPlace(x, o, N * D);
            k.rmsnormForward(h, rstd, x, L.postAttentionLayernorm, N, D, c.normEps);
            project(gate, h, l, "gateProj", D, H);
            project(up, h, l, "upProj", D, H);
            k.swigluForward(gate, gate, up, N * H);
            project(o, gate, l, "downProj", H, D);
            k.addInPlace(x, o, N * D);
        }
        const S = allRows ? N : segments.length;
        const last = allRows ? x : this.buf.last.subarray(0, S * D);
        if (!allRows) {
            segments.forEach((s, i) => last.set(x.subarray((s.start + s.T - 1) * D, (s.start + s.T) * D), i * D));
        }
        const hl = h.subarray(0, S * D);
        k.rmsnormForward(hl, rstd, last, W.norm, S, D, c.normEps);
        if (this.logitsBuf.length < S * c.vocabSize) {
            this.logitsBuf = new Float32Array(Math.max(S, MAX_DECODE_BATCH) * c.vocabSize);
        }
        const logits = this.logitsBuf.subarray(0, S * c.vocabSize);
        this.linear(logits, hl, W.lmHead, S, D, c.vocabSize);
        return logits;
    }

    /** out (N, OC) = inp (N, C) · Wᵀ on the weight's own storage type. */
    private linear(out: Float32Array, inp: Float32Array, w: StoredWeight, N: number, C: number, OC: number): void {
        switch (w.type) {
            case "F32":
                this.kernels.matmulForward(out, inp, w.data, null, N, C, OC);
                return;
            case "F16":
                this.kernels.matmulF16(out, inp, w.data, N, C, OC);
                return;
            case "BF16":
                this.kernels.matmulBF16(out, inp, w.data, N, C, OC);
                return;
            case "Q8_0":
                this.kernels.matmulQ8_0(out, inp, w.data, N, C, OC);
                return;
            default:
                // one kernel call per weight: a side path (a LoRA adapter) adds its F32 product after this
                this.kernels.matmulQuant(out, inp, w.data, GgmlType[w.type] as QuantKernelType, N, C, OC);
                return;
        }
    }

    /** x (N, dim) = the embedding rows of the tokens (an F32 table through the kernel; others a row at a time). */
    private embed(x: Float32Array, tokens: Int32Array): void {
        const { dim: D, vocabSize: V } = this.config;
        const E = this.weights.embedTokens;
        for (const t of tokens) {
            if (!(t >= 0 && t < V)) {
                throw new MellamaError("TOKEN", `token id ${t} is outside the vocabulary 0..${V - 1}`);
            }
        }
        if (E.type === "F32") {
            this.kernels.encoderForward(x, tokens, E.data, tokens.length, D);
            return;
        }
        for (let n = 0; n < tokens.length; n++) {
            readRowF32(this.buf.embedRow, E, tokens[n]!, D);
            x.set(this.buf.embedRow, n * D);
        }
    }

    /** RoPE tables for positions [0, positions), computed as Hugging Face does, rope_scaling applied (ropeFrequencies.ts). */
    private reserveRope(positions: number): void {
        const half = headDim(this.config) / 2;
        const have = this.cos.length / half;
        if (positions <= have) {
            return;
        }
        const n = Math.min(this.maxContext, Math.max(positions, 2 * have, 256));
        const cos = new Float32Array(n * half);
        const sin = new Float32Array(n * half);
        cos.set(this.cos);
        sin.set(this.sin);
        fillRopeTables(cos, sin, ropeInvFreq(this.config), have, n);
        this.cos = cos;
        this.sin = sin;
    }

    /** Next-token logits after `tokens` (given as is: include BOS yourself), from a fresh cache; with `adapter` if given. */
    public logits(tokens: readonly number[], adapter: LoraAdapter | null = null): Float32Array {
        return this.step(Int32Array.from(tokens), 0, this.cache, adapter).slice();
    }

    /** BOS is prepended to the prompt. Concurrent calls decode together (see maxBatch). */
    public generate(prompt: string, options: GenerateOptions): Promise<GenerateOutput> {
        return this.batcher.generate(this.tokenizer.encode(prompt, { bos: true }), options);
    }

    /** The prompts decoded together, maxBatch at a time; each output as if generated alone. */
    public generateBatch(prompts: readonly string[], options: GenerateOptions): Promise<GenerateOutput[]> {
        return Promise.all(prompts.map((p) => this.generate(p, options)));
    }

    /** Generates from prompt ids (BOS included) on the calling thread, one sequence alone. */
    public generateFromIds(promptIds: readonly number[], options: GenerateOptions): GenerateOutput {
        if (promptIds.length >= this.maxContext) {
            throw new ContextLengthError(promptIds.length, this.maxContext);
        }
        const decoder = new SequenceDecoder(this.tokenizer, promptIds, options, this.maxContext);
        const adapter = options.adapter ?? null;
        let logits = this.step(Int32Array.from(promptIds), 0, this.cache, adapter);
        const one = new Int32Array(1);
        for (let next = decoder.next(logits); next !== null; next = decoder.next(logits)) {
            one[0] = next;
            logits = this.step(one, decoder.feedPos, this.cache, adapter);
        }
        return decoder.result();
    }

    /** log p(continuation | context) under the model (with `adapter`, if given), and whether greedy decoding would produce it. */
    public loglikelihood(context: string, continuation: string, adapter: LoraAdapter | null = null): { logprob: number; isGreedy: boolean } {
        const ctx = this.tokenizer.encode(context, { bos: true });
        const full = this.tokenizer.encode(context + continuation, { bos: true });
        let common = 0;
        while (common < ctx.length && ctx[common] === full[common]) {
            common++;
        }
        let logprob = 0;
        let greedy = true;
        let logits = this.step(Int32Array.from(full.slice(0, Math.max(1, common))), 0, this.cache, adapter);
        const one = new Int32Array(1);
        for (let i = Math.max(1, common); i < full.length; i++) {
            const target = full[i]!;
            logprob += logSoftmaxAt(logits, target);
            greedy &&= argmax(logits) === target;
            one[0] = target;
            if (i + 1 < full.length) {
                logits = this.step(one, i, this.cache, adapter);
            }
        }
        return { logprob, isGreedy: greedy };
    }

    /** exp(mean negative log-likelihood) of the text's tokens after BOS (with `adapter`, if given). */
    public perplexity(text: string, adapter: LoraAdapter | null = null): number {
        const ids = this.tokenizer.encode(text, { bos: true });
        let nll = 0;
        const one = new Int32Array(1);
        let logits = this.step(Int32Array.from(ids.slice(0, 1)), 0, this.cache, adapter);
        for (let i = 1; i < ids.length; i++) {
            nll -= logSoftmaxAt(logits, ids[i]!);
            one[0] = ids[i]!;
            if (i + 1 < ids.length) {
                logits = this.step(one, i, this.cache, adapter);
            }
        }
        return Math.exp(nll / Math.max(1, ids.length - 1));
    }

    /** Releases the kernel set's threads when the session owns it; the session is unusable afterwards. */
    public dispose(): void {
        if (!this.disposed) {
            this.disposed = true;
            if (this.ownsKernels) {
                this.kernels.dispose();
            }
        }
    }

    public [Symbol.dispose](): void {
        this.dispose();
    }
}

function argmax(logits: Float32Array): number {
    let best = 0;
    for (let j = 1; j < logits.length; j++) {
        if (logits[j]! > logits[best]!) {
            best = j;
        }
    }
    return best;
}

/** log Σ exp(logits), computed from the maximum so no term overflows. */
export function logSumExp(logits: Float32Array): number {
    let max = -Infinity;
    for (const v of logits) {
        max = v > max ? v : max;
    }
    let sum = 0;
    for (const v of logits) {
        sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
}

function logSoftmaxAt(logits: Float32Array, target: number): number {
    return logits[target]! - logSumExp(logits);
}
