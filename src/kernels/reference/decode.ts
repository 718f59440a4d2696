/**
 * referenceDecodeKernels: DecodeKernels in plain TypeScript, the definition of correct for the native decode
 * kernels (conformance: test/kernels/decodeConformance.ts). F16 / BF16: dequantize, then multiply; Q8_0: the
 * quantized algorithm of the contract (activations quantized to Q8_0, integer block sums); two-pass softmax.
 * Accumulates in float64 (JS numbers), so the native kernels differ from it only by float32 rounding.
 */
import type { DecodeKernels, QuantKernelType } from "../DecodeKernels.js";
import { Q8_0_BLOCK, Q8_0_BLOCK_BYTES } from "../DecodeKernels.js";
import { decodeQuantRow, QUANT_KERNEL_BLOCKS } from "./quantBlocks.js";
import { scratch64 } from "./scratch.js";

/** The activation quants of one row: grows, never shrinks (no allocation per call once the widest row was seen). */
let q8Row = new Int8Array(1024);
function q8Scratch(C: number): Int8Array {
    if (q8Row.length < C) {
        q8Row = new Int8Array(C);
    }
    return q8Row;
}

/** IEEE binary16 bits to a number (normals, subnormals, infinities, NaN). */
export function halfToFloat(h: number): number {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
        return mant === 0 ? sign * Infinity : Number.NaN;
    }
    if (exp === 0) {
        return sign * mant * 2 ** -24;
    }
    return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** bfloat16 bits to a number: they are the top half of a float32's bits. */
export function bf16ToFloat(h: number): number {
    bf16Scratch[0] = h << 16;
    return bf16View[0];
}
const bf16Scratch = new Uint32Array(1);
const bf16View = new Float32Array(bf16Scratch.buffer);

/** float32 to IEEE binary16 bits, round to nearest, ties to even (the native floatToHalf, F16C's rounding). */
export function floatToHalf(f: number): number {
    f32Bits[0] = f;
    let x = u32Bits[0];
    const sign = (x >>> 16) & 0x8000;
    x &= 0x7fffffff;
    if (x > 0x7f800000) {
        return sign | 0x7e00;
    }
    if (x >= 0x477ff000) {
        return sign | 0x7c00;
    }
    let h: number;
    let rem: number;
    let halfway: number;
    if (x >= 0x38800000) {
        h = (((x >>> 23) - 112) << 10) | ((x & 0x7fffff) >>> 13);
        rem = x & 0x1fff;
        halfway = 0x1000;
    } else {
        const e = x >>> 23;
        const s = 126 - e;
        if (e === 0 || s > 24) {
            return sign;
        }
        const m = (x & 0x7fffff) | 0x800000;
        h = m >>> s;
        rem = m & ((1 << s) - 1);
        halfway = 1 << (s - 1);
    }
    if (rem > halfway || (rem === halfway && (h & 1) !== 0)) {
        h++;
    }
    return sign | h;
}
const f32Bits = new Float32Array(1);
const u32Bits = new Uint32Array(f32Bits.buffer);

/** Rounds half to even (the SIMD round instructions' default), for the activation quantizer. */
function roundHalfEven(v: number): number {
    const f = Math.floor(v);
    const diff = v - f;
    if (diff < 0.5) {
        return f;
    }
    if (diff > 0.5) {
        return f + 1;
    }
    return f % 2 === 0 ? f : f + 1;
}

/**
 * Quantizes one activation row to Q8_0 as ggml does on x86 (quantize_row_q8_0 for the vec_dot): per block of
 * 32, amax = max |x|, d = half(amax / 127), id = amax ? 127 / amax : 0 in float32, q = round-half-even(x * id).
 * Every step is a float32 operation (Math.fround after an exact or correctly rounded double operation), so the
 * quants and scales are bit-identical to the native quantizer's. qs (C), d (C / 32).
 */
export function quantizeRowQ8_0(qs: Int8Array, d: Float64Array, x: Float32Array, xOffset: number, C: number): void {
    for (let b = 0; b < C / Q8_0_BLOCK; b++) {
        let amax = 0;
        for (let i = 0; i < Q8_0_BLOCK; i++) {
            amax = Math.max(amax, Math.abs(x[xOffset + b * Q8_0_BLOCK + i]));
        }
        d[b] = halfToFloat(floatToHalf(Math.fround(amax / 127)));
        const id = amax !== 0 ? Math.fround(127 / amax) : 0;
        for (let i = 0; i < Q8_0_BLOCK; i++) {
            qs[b * Q8_0_BLOCK + i] = roundHalfEven(Math.fround(x[xOffset + b * Q8_0_BLOCK + i] * id));
        }
    }
}

/**
 * Quantizes one activation row to ggml's Q8_K (quantize_row_q8_K_ref), per block of 256: m = the value of
 * largest magnitude (first on ties), iscale = -127 / m, q = min(127, round-half-even(iscale * x)), d = 1 / iscale,
 * all float32; a zero block has d = 0. qs (C), d (C / 256).
 */
export function quantizeRowQ8_K(qs: Int8Array, d: Float64Array, x: Float32Array, xOffset: number, C: number): void {
    for (let b = 0; b < C / 256; b++) {
        let amax = 0;
        let max = 0;
        for (let i = 0; i < 256; i++) {
            const v = x[xOffset + b * 256 + i];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        if (amax === 0) {
            d[b] = 0;
            qs.fill(0, b * 256, (b + 1) * 256);
            continue;
        }
        const iscale = Math.fround(-127 / max);
        for (let i = 0; i < 256; i++) {
            qs[b * 256 + i] = Math.min(127, roundHalfEven(Math.fround(iscale * x[xOffset + b * 256 + i])));
        }
        d[b] = Math.fround(1 / iscale);
    }
}

function matmulRows(out: Float32Array, inp: Float32Array, N: number, C: number, OC: number, row: (dst: Float64Array, o: number) => void): void {
    const w = new Float64Array(C);
    for (let o = 0; o < OC; o++) {
        row(w, o);
        for (let n = 0; n < N; n++) {
            let s = 0;
            for (let c = 0; c < C; c++) {
                s += inp[n * C + c] * w[c];
            }
            out[n * OC + o] = s;
        }
    }
}

export const referenceDecodeKernels: DecodeKernels = {
    matmulF16(out, inp, weight, N, C, OC) {
        matmulRows(out, inp, N, C, OC, (dst, o) => {
            for (let c = 0; c < C; c++) {
                dst[c] = halfToFloat(weight[o * C + c]);
            }
        });
    },

    matmulBF16(out, inp, weight, N, C, OC) {
        matmulRows(out, inp, N, C, OC, (dst, o) => {
            for (let c = 0; c < C; c++) {
                dst[c] = bf16ToFloat(weight[o * C + c]);
            }
        });
    },

    matmulQ8_0(out, inp, weight, N, C, OC) {
        // The quantized algorithm of the contract: activations to Q8_0, exact integer block sums, scaled sums
        // (in float64 here, float32 natively, the only difference).
        const nb = C / Q8_0_BLOCK;
        const rowBytes = nb * Q8_0_BLOCK_BYTES;
        const dx = scratch64(nb);
        const qs = q8Scratch(C);
        for (let n = 0; n < N; n++) {
            quantizeRowQ8_0(qs, dx, inp, n * C, C);
            for (let o = 0; o < OC; o++) {
                let s = 0;
                for (let b = 0; b < nb; b++) {
                    const at = o * rowBytes + b * Q8_0_BLOCK_BYTES;
                    let isum = 0;
                    for (let i = 0; i < Q8_0_BLOCK; i++) {
                        isum += ((weight[at + 2 + i] << 24) >> 24) * qs[b * Q8_0_BLOCK + i];
                    }
                    s += isum * halfToFloat(weight[at] | (weight[at + 1] << 8)) * dx[b];
                }
                out[n * OC + o] = s;
            }
        }
    },

    matmulQuant(out, inp, weight, type: QuantKernelType, N, C, OC) {
        // The quantized algorithm of the contract, written as its equivalent: activations quantized (Q8_K for
        // K-quants, Q8_0 for the legacy types) and dequantized (dx * q), weights dequantized, float64 dot products.
        const [block, blockBytes] = QUANT_KERNEL_BLOCKS[type];
        const rowBytes = (C / block) * blockBytes;
        const qs = q8Scratch(C);
        const dx = scratch64(C / block);
        const x = new Float64Array(C);
        const w = new Float64Array(C);
        const sx = new Float64Array(C / 32);
        for (let n = 0; n < N; n++) {
            (block === 256 ? quantizeRowQ8_K : quantizeRowQ8_0)(qs, dx, inp, n * C, C);
            for (let c = 0; c < C; c++) {
                x[c] = dx[Math.floor(c / block)] * qs[c];
            }
            if (type === 3 || type === 7) {
                // Q4_1 / Q5_1: the weights' m multiplies ggml's Q8_1 sum, half(amax / 127 * sum q), not dx * sum q
                q8_1Sums(sx, inp, n * C, qs, C);
            }
            for (let o = 0; o < OC; o++) {
                decodeQuantRow(w, weight.subarray(o * rowBytes, (o + 1) * rowBytes), type, C);
                let s = 0;
                for (let c = 0; c < C; c++) {
                    s += w[c] * x[c];
                }
                if (type === 3 || type === 7) {
                    // w = d u + m: replace the m part's dx * sum q by sx
                    for (let b = 0; b < C / 32; b++) {
                        const m = legacyMin(weight, o * rowBytes + b * blockBytes);
                        let sq = 0;
                        for (let i = 0; i < 32; i++) {
                            sq += qs[b * 32 + i];
                        }
                        s += m * (sx[b] - dx[b] * sq);
                    }
                }
                out[n * OC + o] = s;
            }
        }
    },

    attentionForwardCached(out, q, kCache, vCache, T, pos0, NH, NKV, HS) {
        const group = NH / NKV;
        const scale = 1 / Math.sqrt(HS);
        for (let t = 0; t < T; t++) {
            for (let h = 0; h < NH; h++) {
                const kvh = Math.floor(h / group);
                const qo = (t * NH + h) * HS;
                const n = pos0 + t + 1;
                const scores = new Float64Array(n);
                let max = -Infinity;
                for (let j = 0; j < n; j++) {
                    let s = 0;
                    for (let i = 0; i < HS; i++) {
                        s += q[qo + i] * kCache[(j * NKV + kvh) * HS + i];
                    }
                    scores[j] = s * scale;
                    max = Math.max(max, scores[j]);
                }
                let sum = 0;
                for (let j = 0; j < n; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (let i = 0; i < HS; i++) {
                    let acc = 0;
                    for (let j = 0; j < n; j++) {
                        acc += scores[j] * vCache[(j * NKV + kvh) * HS + i];
                    }
                    out[qo + i] = acc / sum;
                }
            }
        }
    },
};

/** ggml's Q8_1 block sums of one activation row: half(float32(amax / 127) * sum of the block's quants). */
function q8_1Sums(out: Float64Array, x: Float32Array, xOffset: number, qs: Int8Array, C: number): void {
    for (let b = 0; b < C / 32; b++) {
        let amax = 0;
        let sq = 0;
        for (let i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[xOffset + b * 32 + i]));
            sq += qs[b * 32 + i];
        }
        out[b] = halfToFloat(floatToHalf(Math.fround(Math.fround(amax / 127) * sq)));
    }
}

/** The f16 m of a Q4_1 / Q5_1 block at `at`. */
function legacyMin(weight: Uint8Array, at: number): number {
    return halfToFloat(weight[at + 2] | (weight[at + 3] << 8));
}
