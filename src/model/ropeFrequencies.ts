/**
 * RoPE inverse frequencies and their cos/sin tables, computed as Hugging Face transformers computes them
 * (modeling_rope_utils: float32 inv_freq, float32 angle = position · inv_freq), for the default rotation and the
 * `rope_scaling` types LLaMA configs carry:
 *
 * - `linear` (position interpolation): inv_freq / factor;
 * - `dynamic` (NTK-aware): base · ((factor · L / L0) − (factor − 1))^(d / (d − 2)) for a sequence of L > L0
 *   positions; mellama never runs a model past its max_position_embeddings (L ≤ L0), where it is the default;
 * - `llama3` (LLaMA-3.1 NTK-by-parts): wavelengths below L0 / high_freq_factor kept, above L0 / low_freq_factor
 *   divided by factor, those between interpolated by the smooth factor;
 * - `factors`: per-frequency divisors as a GGUF's rope_freqs.weight carries them (what llama.cpp's converter
 *   writes for `llama3`).
 *
 * Each float32 step of the PyTorch code is one Math.fround here, so the tables match it to the last bit or two.
 */
import type { LlamaConfig } from "./LlamaConfig.js";

export type RopeScaling =
    | { type: "linear"; factor: number }
    | { type: "dynamic"; factor: number }
    | { type: "llama3"; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number }
    | { type: "factors"; factors: readonly number[] };

const f = Math.fround;

/** (HS/2) inverse frequencies of the model's rotation; `seqLen` matters only to `dynamic` past the context. */
export function ropeInvFreq(config: Pick<LlamaConfig, "dim" | "nHeads" | "ropeTheta" | "maxSeqLen" | "ropeScaling">, seqLen = config.maxSeqLen): Float32Array {
    const HS = config.dim / config.nHeads;
    const half = HS / 2;
    const scaling = config.ropeScaling;
    let base = config.ropeTheta;
    if (scaling?.type === "dynamic" && seqLen > config.maxSeqLen) {
        base = base * ((scaling.factor * seqLen) / config.maxSeqLen - (scaling.factor - 1)) ** (HS / (HS - 2));
    }
    const inv = new Float32Array(half);
    for (let i = 0; i < half; i++) {
        inv[i] = f(1 / base ** f((2 * i) / HS));
    }
    if (scaling?.type === "linear") {
        for (let i = 0; i < half; i++) {
            inv[i] = f(inv[i]! / scaling.factor);
        }
    } else if (scaling?.type === "factors") {
        for (let i = 0; i < half; i++) {
            inv[i] = f(inv[i]! / scaling.factors[i]!);
        }
    } else if (scaling?.type === "llama3") {
        const { factor, lowFreqFactor: low, highFreqFactor: high, originalMaxPositionEmbeddings: old } = scaling;
        const lowWavelen = old / low;
        const highWavelen = old / high;
        for (let i = 0; i < half; i++) {
            const x = inv[i]!;
            // torch casts the Python scalar to the tensor's float32 before dividing.
            const wavelen = f(f(2 * Math.PI) / x);
            const scaled = wavelen > lowWavelen ? f(x / factor) : x;
            const smooth = f(f(f(old / wavelen) - low) / (high - low));
            const smoothed = f(f(f(f(1 - smooth) * scaled) / factor) + f(smooth * scaled));
            inv[i] = !(wavelen < highWavelen) && !(wavelen > lowWavelen) ? smoothed : scaled;
        }
    }
    return inv;
}

/** cos/sin (positions, HS/2) rows [from, to) for the given inverse frequencies. */
export function fillRopeTables(cos: Float32Array, sin: Float32Array, invFreq: Float32Array, from: number, to: number): void {
    const half = invFreq.length;
    for (let p = from; p < to; p++) {
        for (let i = 0; i < half; i++) {
            const angle = f(p * invFreq[i]!);
            cos[p * half + i] = Math.cos(angle);
            sin[p * half + i] = Math.sin(angle);
        }
    }
}

/** Per-frequency divisors (default inv_freq / scaled inv_freq): GGUF's rope_freqs.weight for a llama3-scaled model. */
export function ropeFreqFactors(config: Pick<LlamaConfig, "dim" | "nHeads" | "ropeTheta" | "maxSeqLen" | "ropeScaling">): Float32Array {
    const plain = ropeInvFreq({ ...config, ropeScaling: undefined });
    const scaled = ropeInvFreq(config);
    return plain.map((x, i) => x / scaled[i]!);
}
