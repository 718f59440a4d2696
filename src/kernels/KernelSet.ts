/**
 * KernelSet: the one interface every compute kernel of mellama goes through.
 *
 * Two sets implement it: `reference` (plain TypeScript, the definition of correct) and `native`
 * (a C++ N-API addon with AVX-512 / AVX2 / scalar paths and its own thread pool). Model code holds one
 * KernelSet and never imports a set directly, so `--kernels=reference` runs everything end to end.
 *
 * Conventions (llm.c): outputs first, inputs next, shape integers last. Kernels never allocate and return
 * `void` (or a scalar for reductions). Shape legend: B batch, T time, C channels, NH query heads,
 * NKV key/value heads, HS head size, H MLP hidden size, V vocabulary, N rows (= B*T), OC output channels.
 * Accumulation: parameter gradients use `+=` (so gradient accumulation is free); activation gradients
 * use `+=` where the activation feeds more than one consumer (noted per kernel) and `=` otherwise.
 * Every buffer is a dense row-major Float32Array unless stated otherwise; views into arenas are fine.
 * Determinism: for the same inputs and the same thread count a kernel returns bitwise the same outputs on every
 * call (static work partitioning, no racing float accumulation), so a resumed training run continues bit for bit.
 * Inference kernels (matmuls on F16 / BF16 / Q8_0 weights at rest, attention over a KV cache) are part of every set
 * (DecodeKernels.ts), so the inference session never needs to know which set it holds.
 */
import type { DecodeKernels } from "./DecodeKernels.js";

export interface KernelSet extends DecodeKernels {
    /** "reference" or "native"; diagnostic. */
    readonly name: string;
    /** Threads the set computes with (1 for reference). */
    readonly threads: number;

    /**
     * out (N, OC) = inp (N, C) · weight (OC, C)ᵀ + bias (OC) when bias is not null.
     * Weight layout is PyTorch's nn.Linear (out_features, in_features).
     */
    matmulForward(out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array | null,
        N: number, C: number, OC: number): void;

    /**
     * dinp (N, C) += dout (N, OC) · weight (OC, C); dweight (OC, C) += doutᵀ · inp; dbias (OC) += Σ_n dout.
     * Any of dinp, dweight, dbias may be null (frozen weight, input that needs no gradient).
     */
    matmulBackward(dinp: Float32Array | null, dweight: Float32Array | null, dbias: Float32Array | null,
        dout: Float32Array, inp: Float32Array, weight: Float32Array, N: number, C: number, OC: number): void;

    /** out (N, C) = wte[tokens[n]] for each row; tokens (N) index into wte (V, C). */
    encoderForward(out: Float32Array, tokens: Int32Array, wte: Float32Array, N: number, C: number): void;

    /** dwte (V, C) += dout (N, C) scattered by tokens (N). */
    encoderBackward(dwte: Float32Array, dout: Float32Array, tokens: Int32Array, N: number, C: number): void;

    /**
     * RMSNorm: rstd (N) = 1 / sqrt(mean(inp²) + eps); out (N, C) = inp * rstd * weight (C).
     * out may not alias inp.
     */
    rmsnormForward(out: Float32Array, rstd: Float32Array, inp: Float32Array, weight: Float32Array,
        N: number, C: number, eps: number): void;

    /** dinp (N, C) += ... (the residual stream has two consumers); dweight (C) += ... */
    rmsnormBackward(dinp: Float32Array, dweight: Float32Array, dout: Float32Array, inp: Float32Array,
        weight: Float32Array, rstd: Float32Array, N: number, C: number): void;

    /**
     * Rotary embedding, Hugging Face rotate-half convention, on x (B, T, NHx, HS) where row (b, t) sits at
     * position positions[b*T + t] when positions (B, T) is given (packed rows, each example restarting at 0; pos0
     * is then unused), else at pos0 + t. Every position must lie in the tables. With half = HS/2 and i < half:
     *   out[i]        = x[i] * cos[p, i] - x[i + half] * sin[p, i]
     *   out[i + half] = x[i + half] * cos[p, i] + x[i] * sin[p, i]
     * cos and sin are (maxT, HS/2) tables: cos[p, i] = cos(p * theta^(-2i/HS)). out may alias inp.
     */
    ropeForward(out: Float32Array, inp: Float32Array, cos: Float32Array, sin: Float32Array, positions: Int32Array | null,
        B: number, T: number, NHx: number, HS: number, pos0: number): void;

    /** The transpose rotation: dinp (B, T, NHx, HS) = Rᵀ dout. dinp may alias dout. `=` semantics. */
    ropeBackward(dinp: Float32Array, dout: Float32Array, cos: Float32Array, sin: Float32Array, positions: Int32Array | null,
        B: number, T: number, NHx: number, HS: number, pos0: number): void;

    /**
     * Causal grouped-query attention with a fused softmax (no T×T matrix is kept):
     * q (B, T, NH, HS), k and v (B, T, NKV, HS); query head h reads kv head h / (NH / NKV).
     * out (B, T, NH, HS) = softmax(q kᵀ / sqrt(HS), causal) v; lse (B, NH, T) = the log-sum-exp of each
     * scaled score row, kept for backward.
     * Packed rows: segStart (B, T), when not null, is for each position the first position of its example in the
     * row (0 ≤ segStart[b*T+t] ≤ t); query t then sees keys segStart[b*T+t]..t only, a block-diagonal causal mask,
     * so packed examples never attend to each other. null is plain causal (as if all zero).
     */
    attentionForward(out: Float32Array, lse: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array,
        segStart: Int32Array | null, B: number, T: number, NH: number, NKV: number, HS: number): void;

    /**
     * Backward of attentionForward, recomputing probabilities from lse. dq, dk, dv use `=` semantics
     * (they are overwritten), shapes as q, k, v; segStart as given to forward.
     */
    attentionBackward(dq: Float32Array, dk: Float32Array, dv: Float32Array, dout: Float32Array,
        q: Float32Array, k: Float32Array, v: Float32Array, out: Float32Array, lse: Float32Array, segStart: Int32Array | null,
        B: number, T: number, NH: number, NKV: number, HS: number): void;

    /** SwiGLU: out (n) = silu(gate) * up, silu(x) = x / (1 + e^-x). n = N * H. */
    swigluForward(out: Float32Array, gate: Float32Array, up: Float32Array, n: number): void;

    /** dgate (n) = dout * up * silu'(gate); dup (n) = dout * silu(gate). `=` semantics. */
    swigluBackward(dgate: Float32Array, dup: Float32Array, dout: Float32Array, gate: Float32Array,
        up: Float32Array, n: number): void;

    /** out (n) += inp (n): residual adds. */
    addInPlace(out: Float32Array, inp: Float32Array, n: number): void;

    /**
     * Fused softmax + cross-entropy over logits (N, V) with targets (N); a target of -100 is ignored.
     * losses (N) = -log softmax(logits)[target] (0 for ignored rows).
     * When dlogits is not null it receives (softmax - onehot(target)) * gradScale (all zero for ignored rows);
     * dlogits may alias logits (the logits are then consumed). Returns the sum of the losses.
     */
    crossEntropyForwardBackward(losses: Float32Array, dlogits: Float32Array | null, logits: Float32Array,
        targets: Int32Array, N: number, V: number, gradScale: number): number;

    /**
     * One AdamW step on one parameter tensor (decoupled weight decay, PyTorch's torch.optim.AdamW):
     *   g = grad * gradScale; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
     *   param -= lr * (weightDecay * param + (m / (1-b1^step)) / (sqrt(v / (1-b2^step)) + eps))
     * (PyTorch applies decay first as param *= 1 - lr*wd; the result is identical to float rounding.)
     * step counts from 1.
     */
    adamwUpdate(params: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array, n: number,
        lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
        gradScale: number): void;

    /** Σ x² over n elements, accumulated in float64; for global gradient-norm clipping and NaN checks. */
    sumSquares(x: Float32Array, n: number): number;

    /** Releases native resources (thread pool); the set is unusable afterwards. */
    dispose(): void;
}
