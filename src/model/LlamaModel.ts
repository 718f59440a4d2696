/**
 * LlamaModel: LLaMA-2 with explicit forward and backward over one KernelSet (the llm.c way, no autograd).
 * Parameters and gradients live in one Float32Array per tensor (a typed array cannot hold a 7B model), activations
 * in one arena per layer plus one shared arena, all with named views made once; forward and backward allocate
 * nothing. Backward calls the kernels in the reverse order of forward.
 *
 * Adapters (LinearAdapters.ts, e.g. LoRA) hook into every linear layer through `lora`; with
 * `frozenBase` set, backward computes no base-parameter gradient (matmulBackward with dweight null).
 * Activation memory per layer: x, xmid, q, att (N, C), k, v (N, KV), gate, up (N, H), two rstd (N) and lse
 * (B, NH, T) — attention keeps only its log-sum-exp, never a T×T matrix; the norm outputs h1, h2 (N, C) and the
 * SwiGLU output act (N, H) are recomputed in backward unless `recompute: false`.
 * forward keeps a reference to `tokens` for backward: do not change them in between.
 * Not here: the optimizer (optim/), the KV-cache inference path (inference/), file formats (formats/).
 */
import type { KernelSet } from "../kernels/KernelSet.js";
import { ConfigError } from "../errors/MellamaError.js";
import { ModelInputError } from "../errors/ModelInputError.js";
import { Rng } from "../util/rng.js";
import { type LlamaConfig, headDim, kvDim, validateConfig } from "./LlamaConfig.js";
import { fillRopeTables, ropeInvFreq } from "./ropeFrequencies.js";
import type { LinearAdapters } from "./LinearAdapters.js";
import { type LayerParam, type ParameterSpec, parameterLayout } from "./parameterLayout.js";

export interface LlamaModelOptions {
    config: LlamaConfig;
    kernels: KernelSet;
    /** Largest batch (rows) and sequence length forward will be called with; sizes the activation arena. */
    maxBatch: number;
    maxT?: number;
    /** Allocate what backward needs (scratch, and gradients unless frozenBase). Default true. */
    training?: boolean;
    /**
     * Build with the base frozen: no base-gradient arena at all (LoRA on a large model saves a full copy of the
     * weights); backward still produces input gradients for adapters. Default false.
     */
    frozenBase?: boolean;
    /**
     * Keep no per-layer copy of the two RMSNorm outputs and the SwiGLU output: backward recomputes them (two norms
     * and one elementwise op per layer, ~1% of a step) into one shared buffer. Saves L·N·(2C + H) floats. The
     * results are bitwise the same either way. Default true.
     */
    recompute?: boolean;
}

export interface ForwardOptions {
    /** Multiplies the gradient of the mean loss (1/K for K accumulated micro-batches). Default 1. */
    lossScale?: number;
    /** Write dlogits for backward (training). Default: true when targets are given and the model was built for training. */
    computeGrad?: boolean;
    /**
     * Packed rows: positions (B, T) of each token within its own example, restarting at 0 where an example starts
     * (Hugging Face's `position_ids` for packed sequences). RoPE then uses these positions and attention is
     * block-diagonal causal, so packed examples never attend to each other. Each row must start at 0 and every
     * position be 0 or one more than the one before. Default: one sequence per row (positions 0..T-1).
     */
    positions?: Int32Array | null;
}

/** Views of exactly N = B·T rows, rebuilt only when N changes (so a training loop makes none per step). */
interface SizedViews {
    N: number;
    /** (N, C) scratch for oProj / downProj outputs. */
    o: Float32Array;
    logits: Float32Array;
    dh: Float32Array; dx: Float32Array; datt: Float32Array; dq: Float32Array; dk: Float32Array; dv: Float32Array;
    dact: Float32Array; dgate: Float32Array; dup: Float32Array;
    /** Per layer x (N, C), then the final-norm input; per layer xmid (N, C). */
    xs: Float32Array[];
    xmids: Float32Array[];
}

interface LayerViews {
    params: Record<LayerParam, Float32Array>;
    grads: Record<LayerParam, Float32Array> | null;
    x: Float32Array; rstd1: Float32Array; h1: Float32Array; q: Float32Array; k: Float32Array; v: Float32Array;
    att: Float32Array; lse: Float32Array; xmid: Float32Array; rstd2: Float32Array; h2: Float32Array;
    gate: Float32Array; up: Float32Array; act: Float32Array;
}

export class LlamaModel {
    public readonly config: LlamaConfig;
    public readonly kernels: KernelSet;
    public readonly layout: ParameterSpec[];
    /** One gradient tensor per parameter, in `layout` order; null for inference-only or frozen-base models. */
    public readonly grads: Float32Array[] | null;
    public readonly maxBatch: number;
    public readonly maxT: number;
    /** (maxBatch * maxT, V): logits after forward; holds dlogits after a training forward. See lastLogits. */
    public readonly logits: Float32Array;
    /** (maxBatch * maxT): per-position losses of the last forward. */
    public readonly losses: Float32Array;
    /** Per-linear adapter contributions (LinearAdapters.ts; LoraAdapters.attach sets it); null for none. */
    public lora: LinearAdapters | null = null;
    /** When true, backward computes no base-parameter gradients (LoRA training). */
    public frozenBase: boolean;
    /** Built with backward scratch (options.training). */
    public readonly training: boolean;

    private readonly layers: LayerViews[];
    private readonly views: Map<string, { param: Float32Array; grad: Float32Array | null }>;
    private readonly embed: Float32Array;
    private readonly normW: Float32Array;
    private readonly outW: Float32Array;
    private readonly ropeCos: Float32Array;
    private readonly ropeSin: Float32Array;
    private readonly xFinal: Float32Array;
    private readonly rstdF: Float32Array;
    private readonly hF: Float32Array;
    private readonly scratchC: Float32Array;
    private readonly dx: Float32Array;
    private readonly dh: Float32Array;
    private readonly dq: Float32Array;
    private readonly dk: Float32Array;
    private readonly dv: Float32Array;
    private readonly datt: Float32Array;
    private readonly dgate: Float32Array;
    private readonly dup: Float32Array;
    private readonly dact: Float32Array;
    private sized: SizedViews | null = null;
    private readonly recompute: boolean;
    /** (N): rstd written by recomputed norms (the forward rstd1/rstd2 stay as they are). */
    private readonly rstdScratch: Float32Array;
    private tokens: Int32Array = new Int32Array(0);
    /** The last forward's positions (B, T) and the segment starts derived from them (segStart[t] = t - positions[t]); null when unpacked. */
    private positions: Int32Array | null = null;
    private segStart: Int32Array | null = null;
    private segStartArena: Int32Array | null = null;
    private lastB = 0;
    private lastT = 0;
    private gradReady = false;

    public constructor({ config, kernels, maxBatch, maxT = config.maxSeqLen, training = true, frozenBase = false,
        recompute = true }: LlamaModelOptions) {
        validateConfig(config);
        for (const [field, value] of [["maxBatch", maxBatch], ["maxT", maxT]] as const) {
            if (!Number.isInteger(value) || value < 1) {
                throw new ConfigError(field, `must be a positive integer, got ${String(value)}`);
            }
        }
        this.config = config;
        this.kernels = kernels;
        this.maxBatch = maxBatch;
        this.maxT = maxT;
        this.layout = parameterLayout(config);
        const withGrads = training && !frozenBase;
        this.views = new Map(this.layout.map((spec) => [spec.name, {
            param: new Float32Array(spec.size), grad: withGrads ? new Float32Array(spec.size) : null,
        }]));
        this.grads = withGrads ? [...this.views.values()].map((v) => v.grad!) : null;
        this.training = training;
        this.frozenBase = frozenBase;

        const { dim: C, hiddenDim: H, vocabSize: V, nLayers: L, nHeads: NH } = config;
        const KV = kvDim(config);
        const N = maxBatch * maxT;
        const perLayer = N * (C * (recompute ? 4 : 6) + KV * 2 + H * (recompute ? 2 : 3)) + N * 2 + maxBatch * NH * maxT;
        const shared = recompute ? N * (C + H) + N : 0;
        // Backward scratch, shared by every layer (activation gradients are consumed layer by layer).
        const backwardScratch = training ? N * (C * 4 + KV * 2 + H * 3) : 0;
        // One arena per layer for its activations, and one for the shared buffers: final norm, logits, losses, scratch.
        let acts = new Float32Array(shared + N * (2 * C) + N + N * V + N + N * C + backwardScratch);
        let off = 0;
        const take = (n: number): Float32Array => {
            const view = acts.subarray(off, off + n);
            off += n;
            return view;
        };
        const sharedArena = acts;
        this.embed = this.views.get("embedTokens")!.param;
        this.normW = this.views.get("norm")!.param;
        this.outW = this.views.get(config.tieEmbeddings ? "embedTokens" : "lmHead")!.param;
        this.layers = [];
        this.recompute = recompute;
        // With recompute, every layer's h1, h2 and act are the same buffers (each is consumed right after it is
        // written in forward, and rewritten right before each use in backward).
        const sharedH = recompute ? take(N * C) : null;
        const sharedAct = recompute ? take(N * H) : null;
        this.rstdScratch = take(recompute ? N : 0);
        const names: LayerParam[] = ["inputLayernorm", "qProj", "kProj", "vProj", "oProj", "postAttentionLayernorm", "gateProj", "upProj", "downProj"];
        const sharedOff = off;
        for (let l = 0; l < L; l++) {
            acts = new Float32Array(perLayer);
            off = 0;
            const params = {} as Record<LayerParam, Float32Array>;
            const grads = {} as Record<LayerParam, Float32Array>;
            for (const name of names) {
                const v = this.views.get(`layers.${l}.${name}`)!;
                params[name] = v.param;
                if (v.grad !== null) {
                    grads[name] = v.grad;
                }
            }
            this.layers.push({
                params, grads: this.grads === null ? null : grads,
                x: take(N * C), rstd1: take(N), h1: sharedH ?? take(N * C), q: take(N * C), k: take(N * KV), v: take(N * KV),
                att: take(N * C), lse: take(maxBatch * NH * maxT), xmid: take(N * C), rstd2: take(N), h2: sharedH ?? take(N * C),
                gate: take(N * H), up: take(N * H), act: sharedAct ?? take(N * H),
            });
            if (off !== perLayer) {
                throw new Error(`internal: layer arena sized ${perLayer}, used ${off}`);
            }
        }
        acts = sharedArena;
        off = sharedOff;
        this.xFinal = take(N * C);
        this.rstdF = take(N);
        this.hF = take(N * C);
        this.logits = take(N * V);
        this.losses = take(N);
        this.scratchC = take(N * C);
        const t = training ? 1 : 0;
        this.dx = take(t * N * C);
        this.dh = take(t * N * C);
        this.dq = take(t * N * C);
        this.dk = take(t * N * KV);
        this.dv = take(t * N * KV);
        this.datt = take(t * N * C);
        this.dgate = take(t * N * H);
        this.dup = take(t * N * H);
        this.dact = take(t * N * H);
        if (off !== acts.length) {
            throw new Error(`internal: activation arena sized ${acts.length}, used ${off}`);
        }

        const HS = headDim(config);
        const half = HS / 2;
        this.ropeCos = new Float32Array(config.maxSeqLen * half);
        this.ropeSin = new Float32Array(config.maxSeqLen * half);
        // As Hugging Face computes them, rope_scaling applied (ropeFrequencies.ts).
        fillRopeTables(this.ropeCos, this.ropeSin, ropeInvFreq(config), 0, config.maxSeqLen);
    }

    /** One named parameter ("embedTokens", "layers.0.qProj", …). */
    public tensor(name: string): Float32Array {
        const v = this.views.get(name);
        if (v === undefined) {
            throw new ModelInputError("name", `no parameter named ${JSON.stringify(name)}`);
        }
        return v.param;
    }

    /** The gradient view of one named parameter (views made once in the constructor). */
    public grad(name: string): Float32Array {
        const g = this.views.get(name)?.grad;
        if (g === undefined || g === null) {
            throw new ModelInputError("name", `no gradient for ${JSON.stringify(name)} (inference-only model or unknown name)`);
        }
        return g;
    }

    /** Hugging Face initialisation: normal(0, 0.02) for embeddings and linears, ones for norms; seeded. */
    public initWeights(seed: number, std = 0.02): void {
        const rng = new Rng(seed);
        for (const spec of this.layout) {
            const w = this.tensor(spec.name);
            if (spec.kind === "norm") {
                w.fill(1);
                continue;
            }
            for (let i = 0; i < w.length; i += 2) {
                // Box–Muller: two normals from two uniforms.
                const u1 = Math.max(rng.next(), 1e-12);
                const u2 = rng.next();
                const r = Math.sqrt(-2 * Math.log(u1)) * std;
                w[i] = r * Math.cos(2 * Math.PI * u2);
                if (i + 1 < w.length) {
                    w[i + 1] = r * Math.sin(2 * Math.PI * u2);
                }
            }
        }
    }

    public zeroGrad(): void {
        if (!this.frozenBase) {
            this.grads?.forEach((g) => g.fill(0));
        }
        this.lora?.zeroGrad();
    }

    private viewsFor(N: number): SizedViews {
        if (this.sized !== null && this.sized.N === N) {
            return this.sized;
        }
        const { dim: C, hiddenDim: H, vocabSize: V } = this.config;
        const KV = kvDim(this.config);
        const cut = (a: Float32Array, n: number): Float32Array => a.subarray(0, Math.min(n, a.length));
        this.sized = {
            N, o: cut(this.scratchC, N * C), logits: cut(this.logits, N * V), dh: cut(this.dh, N * C), dx: cut(this.dx, N * C),
            datt: cut(this.datt, N * C), dq: cut(this.dq, N * C), dk: cut(this.dk, N * KV), dv: cut(this.dv, N * KV),
            dact: cut(this.dact, N * H), dgate: cut(this.dgate, N * H), dup: cut(this.dup, N * H),
            xs: [...this.layers.map((L) => cut(L.x, N * C)), cut(this.xFinal, N * C)],
            xmids: this.layers.map((L) => cut(L.xmid, N * C)),
        };
        return this.sized;
    }

    /** The logits (B, T, V) of the last forward (dlogits after a training forward), as a view made once per shape. */
    public get lastLogits(): Float32Array {
        return this.viewsFor(this.lastB * this.lastT).logits;
    }

    /**
     * tokens (B, T); targets (B, T) with -100 ignored, or null for logits only. Returns the mean loss over the
     * non-ignored targets (NaN without targets). Logits are left in `logits` unless a gradient was computed.
     */
    public forward(tokens: Int32Array, targets: Int32Array | null, B: number, T: number, options: ForwardOptions = {}): number {
        if (!Number.isInteger(B) || !Number.isInteger(T) || B < 1 || T < 1 || B > this.maxBatch || T > this.maxT || T > this.config.maxSeqLen) {
            throw new ModelInputError("B, T", `batch ${B}×${T} is outside the model's 1..${this.maxBatch} × 1..${Math.min(this.maxT, this.config.maxSeqLen)}`);
        }
        if (tokens.length < B * T || (targets !== null && targets.length < B * T)) {
            throw new ModelInputError("tokens", `need ${B * T} tokens and targets, got ${tokens.length} and ${targets?.length ?? 0}`);
        }
        const k = this.kernels;
        const { dim: C, hiddenDim: H, vocabSize: V, nHeads: NH, nKvHeads: NKV } = this.config;
        const KV = kvDim(this.config);
        const HS = headDim(this.config);
        const N = B * T;
        const lora = this.lora;
        this.tokens = tokens;
        this.lastB = B;
        this.lastT = T;
        for (let i = 0; i < N; i++) {
            if (tokens[i]! < 0 || tokens[i]! >= V) {
                throw new ModelInputError("tokens", `token id ${tokens[i]} at position ${i} is outside the vocabulary 0..${V - 1}`);
            }
        }
        const positions = options.positions ?? null;
        const segStart = positions === null ? null : this.segmentStarts(positions, B, T);
        this.positions = positions;
        this.segStart = segStart;
        const S = this.viewsFor(N);
        k.encoderForward(this.layers[0]?.x ?? this.xFinal, tokens, this.embed, N, C);
        for (let l = 0; l < this.layers.length; l++) {
            const L = this.layers[l]!;
            const p = L.params;
            const next = l + 1 < this.layers.length ? this.layers[l + 1]!.x : this.xFinal;
            k.rmsnormForward(L.h1, L.rstd1, L.x, p.inputLayernorm, N, C, this.config.normEps);
            k.matmulForward(L.q, L.h1, p.qProj, null, N, C, C);
            k.matmulForward(L.k, L.h1, p.kProj, null, N, C, KV);
            k.matmulForward(L.v, L.h1, p.vProj, null, N, C, KV);
            if (lora !== null) {
                lora.forward(l, "qProj", L.q, L.h1, N);
                lora.forward(l, "kProj", L.k, L.h1, N);
                lora.forward(l, "vProj", L.v, L.h1, N);
            }
            k.ropeForward(L.q, L.q, this.ropeCos, this.ropeSin, positions, B, T, NH, HS, 0);
            k.ropeForward(L.k, L.k, this.ropeCos, this.ropeSin, positions, B, T, NKV, HS, 0);
            k.attentionForward(L.att, L.lse, L.q, L.k, L.v, segStart, B, T, NH, NKV, HS);
            const o = S.o;
            k.matmulForward(o, L.att, p.oProj, null, N, C, C);
            lora?.forward(l, "oProj", o, L.att, N);
            S.xmids[l]!.set(S.xs[l]!);
            k.addInPlace(L.xmid, o, N * C);
            k.rmsnormForward(L.h2, L.rstd2, L.xmid, p.postAttentionLayernorm, N, C, this.config.normEps);
            k.matmulForward(L.gate, L.h2, p.gateProj, null, N, C, H);
            k.matmulForward(L.up, L.h2, p.upProj, null, N, C, H);
            if (lora !== null) {
                lora.forward(l, "gateProj", L.gate, L.h2, N);
                lora.forward(l, "upProj", L.up, L.h2, N);
            }
            k.swigluForward(L.act, L.gate, L.up, N * H);
            const d = S.o;
            k.matmulForward(d, L.act, p.downProj, null, N, H, C);
            lora?.forward(l, "downProj", d, L.act, N);
            S.xs[l + 1]!.set(S.xmids[l]!);
            k.addInPlace(next, d, N * C);
        }
        k.rmsnormForward(this.hF, this.rstdF, this.xFinal, this.normW, N, C, this.config.normEps);
        const logits = S.logits;
        k.matmulForward(logits, this.hF, this.outW, null, N, C, V);
        this.gradReady = false;
        if (targets === null) {
            return Number.NaN;
        }
        let valid = 0;
        for (let i = 0; i < N; i++) {
            const t = targets[i]!;
            if (t !== -100) {
                if (t < 0 || t >= V) {
                    throw new ModelInputError("targets", `target id ${t} at position ${i} is neither -100 nor in 0..${V - 1}`);
                }
                valid++;
            }
        }
        const computeGrad = options.computeGrad ?? this.training;
        const scale = valid > 0 ? (options.lossScale ?? 1) / valid : 0;
        const total = k.crossEntropyForwardBackward(this.losses, computeGrad ? logits : null, logits, targets, N, V, scale);
        this.gradReady = computeGrad;
        return valid > 0 ? total / valid : Number.NaN;
    }

    /** Accumulates (+=) the gradients of the last training forward into `grads` (and the adapters'). */
    public backward(): void {
        if (!this.gradReady || !this.training) {
            throw new ModelInputError("backward", "needs a training forward() with targets first (once per forward)");
        }
        if (!this.frozenBase && this.grads === null) {
            throw new ModelInputError("frozenBase", "this model was built with a frozen base (no gradient arena); it cannot be unfrozen");
        }
        this.gradReady = false;
        const k = this.kernels;
        const { dim: C, hiddenDim: H, vocabSize: V, nHeads: NH, nKvHeads: NKV } = this.config;
        const KV = kvDim(this.config);
        const HS = headDim(this.config);
        const B = this.lastB;
        const T = this.lastT;
        const N = B * T;
        const frozen = this.frozenBase;
        const lora = this.lora;
        const grads = frozen ? null : this.views;
        const S = this.viewsFor(N);
        const dlogits = S.logits;
        const dhF = S.dh;
        dhF.fill(0);
        k.matmulBackward(dhF, grads?.get(this.config.tieEmbeddings ? "embedTokens" : "lmHead")!.grad ?? null,
            null, dlogits, this.hF, this.outW, N, C, V);
        const dx = S.dx;
        dx.fill(0);
        // A frozen norm weight still needs a dweight buffer: scratchC takes it and is dropped.
        k.rmsnormBackward(dx, grads?.get("norm")!.grad ?? this.scratchC, dhF, this.xFinal, this.normW, this.rstdF, N, C);
        for (let l = this.layers.length - 1; l >= 0; l--) {
            const L = this.layers[l]!;
            const p = L.params;
            const gr = frozen ? null : L.grads;
            // x[l+1] = xmid + downProj(act)
            if (this.recompute) {
                k.swigluForward(L.act, L.gate, L.up, N * H);
            }
            const dact = S.dact;
            dact.fill(0);
            k.matmulBackward(dact, gr?.downProj ?? null, null, dx, L.act, p.downProj, N, H, C);
            lora?.backward(l, "downProj", dact, dx, N);
            const dgate = S.dgate;
            const dup = S.dup;
            k.swigluBackward(dgate, dup, dact, L.gate, L.up, N * H);
            if (this.recompute) {
                k.rmsnormForward(L.h2, this.rstdScratch, L.xmid, p.postAttentionLayernorm, N, C, this.config.normEps);
            }
            const dh2 = S.dh;
            dh2.fill(0);
            k.matmulBackward(dh2, gr?.gateProj ?? null, null, dgate, L.h2, p.gateProj, N, C, H);
            k.matmulBackward(dh2, gr?.upProj ?? null, null, dup, L.h2, p.upProj, N, C, H);
            lora?.backward(l, "gateProj", dh2, dgate, N);
            lora?.backward(l, "upProj", dh2, dup, N);
            k.rmsnormBackward(dx, gr?.postAttentionLayernorm ?? this.scratchC, dh2, L.xmid, p.postAttentionLayernorm, L.rstd2, N, C);
            // xmid = x + oProj(att)
            const datt = S.datt;
            datt.fill(0);
            k.matmulBackward(datt, gr?.oProj ?? null, null, dx, L.att, p.oProj, N, C, C);
            lora?.backward(l, "oProj", datt, dx, N);
            const { dq, dk, dv } = S;
            k.attentionBackward(dq, dk, dv, datt, L.q, L.k, L.v, L.att, L.lse, this.segStart, B, T, NH, NKV, HS);
            k.ropeBackward(dq, dq, this.ropeCos, this.ropeSin, this.positions, B, T, NH, HS, 0);
            k.ropeBackward(dk, dk, this.ropeCos, this.ropeSin, this.positions, B, T, NKV, HS, 0);
            if (this.recompute) {
                k.rmsnormForward(L.h1, this.rstdScratch, L.x, p.inputLayernorm, N, C, this.config.normEps);
            }
            const dh1 = S.dh;
            dh1.fill(0);
            k.matmulBackward(dh1, gr?.qProj ?? null, null, dq, L.h1, p.qProj, N, C, C);
            k.matmulBackward(dh1, gr?.kProj ?? null, null, dk, L.h1, p.kProj, N, C, KV);
            k.matmulBackward(dh1, gr?.vProj ?? null, null, dv, L.h1, p.vProj, N, C, KV);
            lora?.backward(l, "qProj", dh1, dq, N);
            lora?.backward(l, "kProj", dh1, dk, N);
            lora?.backward(l, "vProj", dh1, dv, N);
            k.rmsnormBackward(dx, gr?.inputLayernorm ?? this.scratchC, dh1, L.x, p.inputLayernorm, L.rstd1, N, C);
        }
        if (!frozen) {
            k.encoderBackward(this.views.get("embedTokens")!.grad!, dx, this.tokens, N, C);
        }
    }

    /**
     * Checks packed positions (B, T) and returns the segment starts (B, T) attention masks with, in an arena made
     * once: position t of a row belongs to the example that starts at t - positions[t].
     */
    private segmentStarts(positions: Int32Array, B: number, T: number): Int32Array {
        const N = B * T;
        if (positions.length < N) {
            throw new ModelInputError("positions", `need ${N} positions, got ${positions.length}`);
        }
        this.segStartArena ??= new Int32Array(this.maxBatch * this.maxT);
        const seg = this.segStartArena.subarray(0, N);
        for (let b = 0; b < B; b++) {
            for (let t = 0; t < T; t++) {
                const p = positions[b * T + t]!;
                if (p !== 0 && (t === 0 || p !== positions[b * T + t - 1]! + 1)) {
                    throw new ModelInputError("positions", `position ${p} at row ${b}, column ${t}: each packed example counts up from 0`);
                }
                seg[b * T + t] = t - p;
            }
        }
        return seg;
    }

    /** The (V, C) output projection: lm_head, or the embedding when tied. */
    public outputWeight(): Float32Array {
        return this.outW;
    }
}
