/**
 * ggml's 4-, 5- and 6-bit K-quants (super-blocks of 256 values), quantized as ggml's reference
 * quantize_row_q4_K_ref / _q5_K_ref / _q6_K_ref and decoded as dequantize_row_q4_K / _q5_K / _q6_K:
 *   Q4_K {f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}              x = d * sc * q - dmin * m, q in [0, 15]
 *   Q5_K {f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}   the same with q in [0, 31]
 *   Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}             x = d * sc * (q - 32), q in [0, 63]
 * Q4_K/Q5_K: 8 sub-blocks of 32 with a 6-bit scale and a 6-bit min each, packed in 12 bytes (ggml's
 * get_scale_min_k4); value i (sub-block j = i / 32, l = i % 32) is the low (j even) or high nibble of
 * qs[32 * (j / 2) + l], Q5_K's fifth bit is bit j of qh[l]. Q6_K: 16 sub-blocks of 16; value i (half = i / 128,
 * k = (i % 128) / 32, l = i % 32) has its low 4 bits in ql[64 * half + l + 32 * (k & 1)] (high nibble for k >= 2)
 * and its top 2 bits at bits 2k of qh[32 * half + l]; its scale is scales[8 * half + 2 * k + l / 16].
 */
import { f16BitsToF32, f32ToF16Bits } from "./halfFloat.js";
import { GROUP_MAX_EPS, makeQkx2Quants, makeQxQuants, nearestInt } from "./kQuantMath.js";

const f = Math.fround;
const QK_K = 256;
export const Q4_K_BLOCK_BYTES = 144;
export const Q5_K_BLOCK_BYTES = 176;
export const Q6_K_BLOCK_BYTES = 210;

/** Sub-block j's 6-bit scale and min from a Q4_K/Q5_K scales[12] at `at` (ggml's get_scale_min_k4). */
export function scaleMinK4(q: Uint8Array, at: number, j: number): [number, number] {
    if (j < 4) {
        return [q[at + j]! & 63, q[at + j + 4]! & 63];
    }
    return [(q[at + j + 4]! & 0xf) | ((q[at + j - 4]! >> 6) << 4), (q[at + j + 4]! >> 4) | ((q[at + j]! >> 6) << 4)];
}

function quantize45(bits: 4 | 5, src: Float32Array, out: Uint8Array): Uint8Array {
    const nmax = bits === 4 ? 15 : 31;
    const bb = bits === 4 ? Q4_K_BLOCK_BYTES : Q5_K_BLOCK_BYTES;
    const L = new Int32Array(QK_K);
    const weights = new Float32Array(32);
    const scales = new Float32Array(8);
    const mins = new Float32Array(8);
    const m = { min: 0 };
    for (let b = 0; b < src.length / QK_K; b++) {
        const x = b * QK_K;
        const o = b * bb;
        let maxScale = 0;
        let maxMin = 0;
        for (let j = 0; j < 8; j++) {
            let sumX2 = 0;
            for (let l = 0; l < 32; l++) {
                const v = src[x + 32 * j + l]!;
                sumX2 = f(sumX2 + f(v * v));
            }
            const avX = f(Math.sqrt(f(sumX2 / 32)));
            for (let l = 0; l < 32; l++) {
                weights[l] = f(avX + Math.abs(src[x + 32 * j + l]!));
            }
            scales[j] = bits === 4
                ? makeQkx2Quants(src, x + 32 * j, 32, 15, weights, L, 32 * j, -1, f(0.1), 20, false, m)
                : makeQkx2Quants(src, x + 32 * j, 32, 31, weights, L, 32 * j, -0.5, f(0.1), 15, false, m);
            mins[j] = m.min;
            maxScale = scales[j]! > maxScale ? scales[j]! : maxScale;
            maxMin = mins[j]! > maxMin ? mins[j]! : maxMin;
        }
        const invScale = maxScale > 0 ? f(63 / maxScale) : 0;
        const invMin = maxMin > 0 ? f(63 / maxMin) : 0;
        const s = o + 4;
        out.fill(0, o, o + bb);
        for (let j = 0; j < 8; j++) {
            const ls = Math.min(63, nearestInt(f(invScale * scales[j]!)) & 0xff);
            const lm = Math.min(63, nearestInt(f(invMin * mins[j]!)) & 0xff);
            if (j < 4) {
                out[s + j] = ls;
                out[s + j + 4] = lm;
            } else {
                out[s + j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
                out[s + j - 4] = out[s + j - 4]! | ((ls >> 4) << 6);
                out[s + j] = out[s + j]! | ((lm >> 4) << 6);
            }
        }
        const dBits = f32ToF16Bits(f(maxScale / 63));
        const dminBits = f32ToF16Bits(f(maxMin / 63));
        for (let j = 0; j < 8; j++) {
            const [sc, mn] = scaleMinK4(out, s, j);
            const d = f(f16BitsToF32(dBits) * sc);
            if (d === 0) {
                continue;
            }
            const dm = f(f16BitsToF32(dminBits) * mn);
            for (let i = 0; i < 32; i++) {
                L[32 * j + i] = Math.max(0, Math.min(nmax, nearestInt(f(f(src[x + 32 * j + i]! + dm) / d))));
            }
        }
        out[o] = dBits & 0xff;
        out[o + 1] = dBits >> 8;
        out[o + 2] = dminBits & 0xff;
        out[o + 3] = dminBits >> 8;
        const qh = o + 16;
        const qs = o + (bits === 4 ? 16 : 48);
        for (let n = 0; n < QK_K; n += 64) {
            for (let j = 0; j < 32; j++) {
                let l1 = L[n + j]!;
                let l2 = L[n + j + 32]!;
                if (bits === 5) {
                    if (l1 > 15) {
                        l1 -= 16;
                        out[qh + j] = out[qh + j]! | (1 << (n / 32));
                    }
                    if (l2 > 15) {
                        l2 -= 16;
                        out[qh + j] = out[qh + j]! | (2 << (n / 32));
                    }
                }
                out[qs + n / 2 + j] = l1 | (l2 << 4);
            }
        }
    }
    return out;
}

function dequantize45(bits: 4 | 5, src: Uint8Array, n: number, out: Float32Array): Float32Array {
    const bb = bits === 4 ? Q4_K_BLOCK_BYTES : Q5_K_BLOCK_BYTES;
    for (let b = 0; b < n / QK_K; b++) {
        const o = b * bb;
        const d = f16BitsToF32(src[o]! | (src[o + 1]! << 8));
        const dmin = f16BitsToF32(src[o + 2]! | (src[o + 3]! << 8));
        const qs = o + (bits === 4 ? 16 : 48);
        for (let j = 0; j < 8; j++) {
            const [sc, mn] = scaleMinK4(src, o + 4, j);
            const d1 = f(d * sc);
            const m1 = f(dmin * mn);
            for (let l = 0; l < 32; l++) {
                const byte = src[qs + 32 * (j >> 1) + l]!;
                let q = j & 1 ? byte >> 4 : byte & 0xf;
                if (bits === 5 && (src[o + 16 + l]! & (1 << j)) !== 0) {
                    q += 16;
                }
                out[b * QK_K + 32 * j + l] = f(f(d1 * q) - m1);
            }
        }
    }
    return out;
}

export const quantizeQ4_K = (src: Float32Array, out: Uint8Array): Uint8Array => quantize45(4, src, out);
export const quantizeQ5_K = (src: Float32Array, out: Uint8Array): Uint8Array => quantize45(5, src, out);
export const dequantizeQ4_K = (src: Uint8Array, n: number, out: Float32Array): Float32Array => dequantize45(4, src, n, out);
export const dequantizeQ5_K = (src: Uint8Array, n: number, out: Float32Array): Float32Array => dequantize45(5, src, n, out);

export function quantizeQ6_K(src: Float32Array, out: Uint8Array): Uint8Array {
    const L = new Int32Array(QK_K);
    const scales = new Float32Array(16);
    for (let b = 0; b < src.length / QK_K; b++) {
        const x = b * QK_K;
        const o = b * Q6_K_BLOCK_BYTES;
        let maxScale = 0;
        let maxAbs = 0;
        for (let j = 0; j < 16; j++) {
            scales[j] = makeQxQuants(src, x + 16 * j, 16, 32, L, 16 * j);
            if (Math.abs(scales[j]!) > maxAbs) {
                maxAbs = Math.abs(scales[j]!);
                maxScale = scales[j]!;
            }
        }
        out.fill(0, o, o + Q6_K_BLOCK_BYTES);
        if (maxAbs < GROUP_MAX_EPS) {
            continue;
        }
        const iscale = f(-128 / maxScale);
        const dBits = f32ToF16Bits(f(1 / iscale));
        const d = f16BitsToF32(dBits);
        for (let j = 0; j < 16; j++) {
            const sc = ((Math.min(127, nearestInt(f(iscale * scales[j]!))) + 128) & 0xff) - 128;
            out[o + 192 + j] = sc & 0xff;
            const dd = f(d * sc);
            if (dd === 0) {
                continue;
            }
            for (let i = 0; i < 16; i++) {
                L[16 * j + i] = Math.max(-32, Math.min(31, nearestInt(f(src[x + 16 * j + i]! / dd)))) + 32;
            }
        }
        for (let j = 0; j < QK_K; j += 128) {
            for (let l = 0; l < 32; l++) {
                const ql = o + j / 2 + l;
                out[ql] = (L[j + l]! & 0xf) | ((L[j + l + 64]! & 0xf) << 4);
                out[ql + 32] = (L[j + l + 32]! & 0xf) | ((L[j + l + 96]! & 0xf) << 4);
                out[o + 128 + j / 4 + l] = (L[j + l]! >> 4) | ((L[j + l + 32]! >> 4) << 2) | ((L[j + l + 64]! >> 4) << 4) | ((L[j + l + 96]! >> 4) << 6);
            }
        }
        out[o + 208] = dBits & 0xff;
        out[o + 209] = dBits >> 8;
    }
    return out;
}

export function dequantizeQ6_K(src: Uint8Array, n: number, out: Float32Array): Float32Array {
    for (let b = 0; b < n / QK_K; b++) {
        const o = b * Q6_K_BLOCK_BYTES;
        const d = f16BitsToF32(src[o + 208]! | (src[o + 209]! << 8));
        for (let i = 0; i < QK_K; i++) {
            const half = i >> 7;
            const k = (i >> 5) & 3;
            const l = i & 31;
            const lo = src[o + 64 * half + l + 32 * (k & 1)]!;
            const q = ((k >= 2 ? lo >> 4 : lo & 0xf) | (((src[o + 128 + 32 * half + l]! >> (2 * k)) & 3) << 4)) - 32;
            const sc = (src[o + 192 + 8 * half + 2 * k + (l >> 4)]! << 24) >> 24;
            out[b * QK_K + i] = f(f(d * sc) * q);
        }
    }
    return out;
}
