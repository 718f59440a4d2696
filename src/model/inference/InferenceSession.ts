/**
 * InferenceSession: text generation from a LLaMA-2 model with a KV cache. The prompt is processed in one batch
 * (prefill: every linear layer runs as one matmul over all prompt tokens), then one token per step, each step
 * reusing the cached keys and values. Greedy by default; temperature, top-k and top-p sampling with a seed; stop
 * strings; EOS; a context-length limit that is an error, not a silent cut.
 * Weights are F32 views of a LlamaModel's parameter arena, so a freshly trained model is served in place.
 * Linear weights may stay in F16/BF16/Q8_0 storage (`packed`) and run through the decode kernels.
 * Several sequences decode together through `stepBatch`: one row per sequence, each with its own KV cache and
 * position, so every weight is streamed once per step for all of them (SequenceBatcher schedules that).
 */
import type { KernelSet } from "../../kernels/KernelSet.js";
import { adviseHugePages } from "../../kernels/native/nativeKernels.js";
import { MellamaError } from "../../errors/MellamaError.js";
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";
import { headDim, kvDim } from "../LlamaConfig.js";
import type { LlamaModel } from "../LlamaModel.js";
import { SequenceDecoder } from "./SequenceDecoder.js";

export { applyRepetitionPenalty, sample } from "./SequenceDecoder.js";

/** Most sequences one stepBatch call takes (the decode kernels' row-by-row path, see kDecodeRows in C++). */
export const MAX_DECODE_BATCH = 16;

/** One sequence's keys and values, per layer (maxContext, kv heads, head size), indexed by position. */
export interface KvCache {
    readonly k: Float32Array[];
    readonly v: Float32Array[];
}

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
}

export interface GenerateOutput {
    text: string;
    tokens: number[];
    finishReason: "stop" | "eos" | "length";
}

export class ContextLengthError extends MellamaError {
    public constructor(tokens: number, limit: number) {
        super("CONTEXT_LENGTH", `the prompt has ${tokens} tokens; the model's context is ${limit}`);
    }
}

/** A linear weight kept in its GGUF storage type, (OC, C) row-major as in HF (q/k rows already un-permuted). */
export type PackedWeight = { type: "F16" | "BF16"; data: Uint16Array } | { type: "Q8_0"; data: Uint8Array };

export interface InferenceSessionOptions {
    model: LlamaModel;
    /**
     * Linear weights by mellama parameter name ("layers.0.qProj", "lmHead") to run from F16/BF16/Q8_0 storage
     * through the decode kernels instead of the model's F32 tensor of the same name (which is then not read).
     */
    packed?: ReadonlyMap<string, PackedWeight>;
    /** Packed names whose F32 tensor is filled too: prefill batches of >= 16 rows use the F32 GEMM for them. */
    f32Also?: ReadonlySet<string>;
    tokenizer: Tokenizer;
    /** Longest prompt + generation; default the model's maxSeqLen. */
    maxContext?: number;
    /** The session's prefill batch (tokens processed per matmul); default 512 (a 480-token prompt prefills 1.46x faster than in chunks of 128: the GEMM packs each weight once for more rows). */
    prefillChunk?: number;
}

export class InferenceSession {
    public readonly model: LlamaModel;
    public readonly tokenizer: Tokenizer;
    public readonly maxContext: number;
    private readonly kernels: KernelSet;
    private readonly decode: KernelSet;
    private readonly chunk: number;
    private readonly packed: ReadonlyMap<string, PackedWeight>;
    private readonly f32Also: ReadonlySet<string>;
    /** The cache of step() without one given (generate, logits, loglikelihood, perplexity). */
    private readonly cache: KvCache;
    private batchLogits = new Float32Array(0);
    private readonly cos: Float32Array;
    private readonly sin: Float32Array;
    private readonly buf: Record<"x" | "h" | "q" | "k" | "v" | "att" | "o" | "gate" | "up" | "act" | "rstd" | "logits", Float32Array>;

    public constructor({ model, tokenizer, maxContext = model.config.maxSeqLen, prefillChunk = 512, packed = new Map(), f32Also = new Set() }: InferenceSessionOptions) {
        this.model = model;
        this.packed = packed;
        this.f32Also = f32Also;
        this.tokenizer = tokenizer;
        this.maxContext = Math.min(maxContext, model.config.maxSeqLen);
        this.kernels = model.kernels;
        this.decode = model.kernels;
        this.chunk = Math.max(1, Math.min(prefillChunk, this.maxContext));
        const c = model.config;
        const KV = kvDim(c);
        this.cache = this.createCache();
        // Decoding streams every weight once per token: 2 MiB pages save the page walks (no-op off Linux).
        adviseHugePages(model.params);
        for (const p of packed.values()) {
            adviseHugePages(p.data);
        }
        const HS = headDim(c);
        const half = HS / 2;
        this.cos = new Float32Array(this.maxContext * half);
        this.sin = new Float32Array(this.maxContext * half);
        for (let p = 0; p < this.maxContext; p++) {
            for (let i = 0; i < half; i++) {
                const invFreq = Math.fround(1 / c.ropeTheta ** Math.fround((2 * i) / HS));
                const angle = Math.fround(p * invFreq);
                this.cos[p * half + i] = Math.cos(angle);
                this.sin[p * half + i] = Math.sin(angle);
            }
        }
        const N = Math.max(this.chunk, MAX_DECODE_BATCH);
        this.buf = {
            x: new Float32Array(N * c.dim), h: new Float32Array(N * c.dim), q: new Float32Array(N * c.dim), k: new Float32Array(N * KV),
            v: new Float32Array(N * KV), att: new Float32Array(N * c.dim), o: new Float32Array(N * c.dim), gate: new Float32Array(N * c.hiddenDim),
            up: new Float32Array(N * c.hiddenDim), act: new Float32Array(N * c.hiddenDim), rstd: new Float32Array(N), logits: new Float32Array(c.vocabSize),
        };
    }

    /** A fresh KV cache for one more sequence: 2 × layers × maxContext × kvDim floats. */
    public createCache(): KvCache {
        const c = this.model.config;
        const size = this.maxContext * kvDim(c);
        return { k: Array.from({ length: c.nLayers }, () => new Float32Array(size)), v: Array.from({ length: c.nLayers }, () => new Float32Array(size)) };
    }

    /** out (N, OC) = inp (N, C) · W(name)ᵀ from the packed weight when there is one, else the F32 tensor. */
    private linear(out: Float32Array, inp: Float32Array, name: string, N: number, C: number, OC: number): void {
        const p = this.packed.get(name);
        // Batch-1 decode is memory-bound (packed wins); a prefill batch is compute-bound (the packed GEMM F32 wins).
        if (p === undefined || (N >= 16 && this.f32Also.has(name))) {
            this.kernels.matmulForward(out, inp, name === "lmHead" ? this.model.outputWeight() : this.model.tensor(name), null, N, C, OC);
        } else if (p.type === "Q8_0") {
            this.decode.matmulQ8_0(out, inp, p.data, N, C, OC);
        } else if (p.type === "F16") {
            this.decode.matmulF16(out, inp, p.data, N, C, OC);
        } else {
            this.decode.matmulBF16(out, inp, p.data, N, C, OC);
        }
    }

    /** Runs tokens at positions pos0.. through the model, filling the cache; returns the last row's logits. */
    public step(tokens: Int32Array, pos0: number, cache: KvCache = this.cache): Float32Array {
        const c = this.model.config;
        const k = this.kernels;
        const KV = kvDim(c);
        const HS = headDim(c);
        const { x, h, q, att, o, gate, up, act, rstd, logits } = this.buf;
        for (let start = 0; start < tokens.length; start += this.chunk) {
            const T = Math.min(this.chunk, tokens.length - start);
            const pos = pos0 + start;
            if (pos + T > this.maxContext) {
                throw new ContextLengthError(pos + T, this.maxContext);
            }
            const xv = x.subarray(0, T * c.dim);
            k.encoderForward(xv, tokens.subarray(start, start + T), this.model.tensor("embedTokens"), T, c.dim);
            for (let l = 0; l < c.nLayers; l++) {
                const w = (name: string): Float32Array => this.model.tensor(`layers.${l}.${name}`);
                const hv = h.subarray(0, T * c.dim);
                k.rmsnormForward(hv, rstd, xv, w("inputLayernorm"), T, c.dim, c.normEps);
                const qv = q.subarray(0, T * c.dim);
                const kv = cache.k[l]!.subarray(pos * KV, (pos + T) * KV);
                const vv = cache.v[l]!.subarray(pos * KV, (pos + T) * KV);
                this.linear(qv, hv, `layers.${l}.qProj`, T, c.dim, c.dim);
                this.linear(kv, hv, `layers.${l}.kProj`, T, c.dim, KV);
                this.linear(vv, hv, `layers.${l}.vProj`, T, c.dim, KV);
                k.ropeForward(qv, qv, this.cos, this.sin, 1, T, c.nHeads, HS, pos);
                k.ropeForward(kv, kv, this.cos, this.sin, 1, T, c.nKvHeads, HS, pos);
                const av = att.subarray(0, T * c.dim);
                this.decode.attentionForwardCached(av, qv, cache.k[l]!, cache.v[l]!, T, pos, c.nHeads, c.nKvHeads, HS);
                const ov = o.subarray(0, T * c.dim);
                this.linear(ov, av, `layers.${l}.oProj`, T, c.dim, c.dim);
                k.addInPlace(xv, ov, T * c.dim);
                k.rmsnormForward(hv, rstd, xv, w("postAttentionLayernorm"), T, c.dim, c.normEps);
                const H = c.hiddenDim;
                this.linear(gate.subarray(0, T * H), hv, `layers.${l}.gateProj`, T, c.dim, H);
                this.linear(up.subarray(0, T * H), hv, `layers.${l}.upProj`, T, c.dim, H);
                k.swigluForward(act.subarray(0, T * H), gate.subarray(0, T * H), up.subarray(0, T * H), T * H);
                this.linear(ov, act.subarray(0, T * H), `layers.${l}.downProj`, T, H, c.dim);
                k.addInPlace(xv, ov, T * c.dim);
            }
            if (start + T === tokens.length) {
                const last = xv.subarray((T - 1) * c.dim, T * c.dim);
                const hl = h.subarray(0, c.dim);
                k.rmsnormForward(hl, rstd, last, this.model.tensor("norm"), 1, c.dim, c.normEps);
                this.linear(logits, hl, "lmHead", 1, c.dim, c.vocabSize);
            }
        }
        return logits;
    }

    /**
     * One decode step for B sequences at once: row b is token tokens[b] at position positions[b] of the sequence
     * whose cache is caches[b] (which already holds its earlier positions). Every linear layer runs as one
     * B-row matmul, so each weight is read once for all B; RoPE, the cache writes and attention are per row.
     * Returns the (B, vocab) logits, valid until the next call. A row gets the logits it would get alone.
     */
    public stepBatch(tokens: Int32Array, positions: Int32Array, caches: readonly KvCache[]): Float32Array {
        const B = tokens.length;
        if (B < 1 || B > MAX_DECODE_BATCH || positions.length !== B || caches.length !== B) {
            throw new MellamaError("DECODE_BATCH", `stepBatch takes 1..${MAX_DECODE_BATCH} sequences with one position and one cache each (got ${B}, ${positions.length}, ${caches.length})`);
        }
        for (const p of positions) {
            if (!(p >= 0 && p < this.maxContext)) {
                throw new ContextLengthError(p + 1, this.maxContext);
            }
        }
        const c = this.model.config;
        const k = this.kernels;
        const KV = kvDim(c);
        const HS = headDim(c);
        const D = c.dim;
        const H = c.hiddenDim;
        const { x, h, q, k: kNew, v: vNew, att, o, gate, up, act, rstd } = this.buf;
        if (this.batchLogits.length < B * c.vocabSize) {
            this.batchLogits = new Float32Array(MAX_DECODE_BATCH * c.vocabSize);
        }
        const xv = x.subarray(0, B * D);
        const hv = h.subarray(0, B * D);
        const qv = q.subarray(0, B * D);
        const kv = kNew.subarray(0, B * KV);
        const vv = vNew.subarray(0, B * KV);
        const av = att.subarray(0, B * D);
        const ov = o.subarray(0, B * D);
        k.encoderForward(xv, tokens, this.model.tensor("embedTokens"), B, D);
        for (let l = 0; l < c.nLayers; l++) {
            const w = (name: string): Float32Array => this.model.tensor(`layers.${l}.${name}`);
            k.rmsnormForward(hv, rstd, xv, w("inputLayernorm"), B, D, c.normEps);
            this.linear(qv, hv, `layers.${l}.qProj`, B, D, D);
            this.linear(kv, hv, `layers.${l}.kProj`, B, D, KV);
            this.linear(vv, hv, `layers.${l}.vProj`, B, D, KV);
            for (let b = 0; b < B; b++) {
                const pos = positions[b]!;
                const qb = qv.subarray(b * D, (b + 1) * D);
                const kb = kv.subarray(b * KV, (b + 1) * KV);
                k.ropeForward(qb, qb, this.cos, this.sin, 1, 1, c.nHeads, HS, pos);
                k.ropeForward(kb, kb, this.cos, this.sin, 1, 1, c.nKvHeads, HS, pos);
                caches[b]!.k[l]!.set(kb, pos * KV);
                caches[b]!.v[l]!.set(vv.subarray(b * KV, (b + 1) * KV), pos * KV);
                this.decode.attentionForwardCached(av.subarray(b * D, (b + 1) * D), qb, caches[b]!.k[l]!, caches[b]!.v[l]!, 1, pos, c.nHeads, c.nKvHeads, HS);
            }
            this.linear(ov, av, `layers.${l}.oProj`, B, D, D);
            k.addInPlace(xv, ov, B * D);
            k.rmsnormForward(hv, rstd, xv, w("postAttentionLayernorm"), B, D, c.normEps);
            this.linear(gate.subarray(0, B * H), hv, `layers.${l}.gateProj`, B, D, H);
            this.linear(up.subarray(0, B * H), hv, `layers.${l}.upProj`, B, D, H);
            k.swigluForward(act.subarray(0, B * H), gate.subarray(0, B * H), up.subarray(0, B * H), B * H);
            this.linear(ov, act.subarray(0, B * H), `layers.${l}.downProj`, B, H, D);
            k.addInPlace(xv, ov, B * D);
        }
        k.rmsnormForward(hv, rstd, xv, this.model.tensor("norm"), B, D, c.normEps);
        const logits = this.batchLogits.subarray(0, B * c.vocabSize);
        this.linear(logits, hv, "lmHead", B, D, c.vocabSize);
        return logits;
    }

    /** Next-token logits after `tokens` (a fresh cache from position 0). */
    public logits(tokens: readonly number[]): Float32Array {
        return this.step(Int32Array.from(tokens), 0).slice();
    }

    public generate(prompt: string, options: GenerateOptions): GenerateOutput {
        const promptIds = this.tokenizer.encode(prompt, { bos: true });
        return this.generateFromIds(promptIds, options);
    }

    public generateFromIds(promptIds: readonly number[], options: GenerateOptions): GenerateOutput {
        if (promptIds.length >= this.maxContext) {
            throw new ContextLengthError(promptIds.length, this.maxContext);
        }
        const decoder = new SequenceDecoder(this.tokenizer, promptIds, options, this.maxContext);
        let logits = this.step(Int32Array.from(promptIds), 0);
        const one = new Int32Array(1);
        for (let next = decoder.next(logits); next !== null; next = decoder.next(logits)) {
            one[0] = next;
            logits = this.step(one, decoder.feedPos);
        }
        return decoder.result();
    }

    /** log p(continuation | context) under the model, and whether greedy decoding would produce it. */
    public loglikelihood(context: string, continuation: string): { logprob: number; isGreedy: boolean } {
        const ctx = this.tokenizer.encode(context, { bos: true });
        const full = this.tokenizer.encode(context + continuation, { bos: true });
        let common = 0;
        while (common < ctx.length && ctx[common] === full[common]) {
            common++;
        }
        let logprob = 0;
        let greedy = true;
        let logits = this.step(Int32Array.from(full.slice(0, Math.max(1, common))), 0);
        const one = new Int32Array(1);
        for (let i = Math.max(1, common); i < full.length; i++) {
            const target = full[i]!;
            let max = -Infinity;
            let argmax = 0;
            for (let j = 0; j < logits.length; j++) {
                if (logits[j]! > max) {
                    max = logits[j]!;
                    argmax = j;
                }
            }
            let sum = 0;
            for (let j = 0; j < logits.length; j++) {
                sum += Math.exp(logits[j]! - max);
            }
            logprob += logits[target]! - max - Math.log(sum);
            greedy &&= argmax === target;
            one[0] = target;
            logits = this.step(one, i);
        }
        return { logprob, isGreedy: greedy };
    }
}
