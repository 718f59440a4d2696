/**
 * referenceDecodeKernels: DecodeKernels in plain TypeScript, the definition of correct for the native decode
 * kernels (conformance: test/kernels/decodeConformance.ts). Dequantize, then multiply; two-pass softmax.
 * Accumulates in float64 (JS numbers), so it is also the most accurate of the implementations.
 */
import type { DecodeKernels } from "../DecodeKernels.js";
import { Q8_0_BLOCK, Q8_0_BLOCK_BYTES } from "../DecodeKernels.js";

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

function dequantRowQ8_0(dst: Float64Array, weight: Uint8Array, row: number, C: number): void {
    const rowBytes = (C / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
    for (let b = 0; b < C / Q8_0_BLOCK; b++) {
        const at = row * rowBytes + b * Q8_0_BLOCK_BYTES;
        const d = halfToFloat(weight[at] | (weight[at + 1] << 8));
        for (let i = 0; i < Q8_0_BLOCK; i++) {
            const q = weight[at + 2 + i];
            dst[b * Q8_0_BLOCK + i] = d * (q > 127 ? q - 256 : q);
        }
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
        matmulRows(out, inp, N, C, OC, (dst, o) => dequantRowQ8_0(dst, weight, o, C));
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
