/**
 * ggml's 2- and 3-bit K-quants (super-blocks of 256 values in 16 sub-blocks of 16), quantized as ggml's
 * reference quantize_row_q2_K_ref / quantize_row_q3_K_ref and decoded as dequantize_row_q2_K / _q3_K:
 *   Q2_K {u8 scales[16]; u8 qs[64]; f16 d; f16 dmin}   x = d * (sc & 15) * q - dmin * (sc >> 4),  q in [0, 3]
 *   Q3_K {u8 hmask[32]; u8 qs[64]; u8 scales[12]; f16 d}  x = d * (sc - 32) * (q - 4 * !hbit),  6-bit sc
 * Quant layout (both): value i of a super-block, with half = i / 128, j = (i % 128) / 32, l = i % 32, is bits
 * 2j..2j+1 of qs[32 * half + l], its sub-block 8 * half + 2 * j + l / 16. Q3_K's high bit is bit 4 * half + j
 * of hmask[l]; its 16 six-bit scales are 4 low bits (scales[k] low nibble for k < 8, scales[k - 8] high nibble
 * after) and 2 high bits (bits 2 * (k / 4) of scales[8 + k % 4]).
 */
import { f16BitsToF32, f32ToF16Bits } from "./halfFloat.js";
import { makeQ3Quants, makeQkx2Quants, nearestInt } from "./kQuantMath.js";

const f = Math.fround;
const QK_K = 256;
export const Q2_K_BLOCK_BYTES = 84;
export const Q3_K_BLOCK_BYTES = 110;

const h2f = (bits: number): number => f16BitsToF32(bits);

/** qs[64] from 256 levels in [0, 3]. */
function pack2Bit(out: Uint8Array, at: number, L: Int32Array): void {
    for (let j = 0; j < QK_K; j += 128) {
        for (let l = 0; l < 32; l++) {
            out[at + j / 4 + l] = L[j + l]! | (L[j + l + 32]! << 2) | (L[j + l + 64]! << 4) | (L[j + l + 96]! << 6);
        }
    }
}

/** Q3_K's six-bit scale k from its 12 packed bytes, minus 32. */
export function q3Scale(src: Uint8Array, at: number, k: number): number {
    const low = k < 8 ? src[at + k]! & 0xf : src[at + k - 8]! >> 4;
    return (low | (((src[at + 8 + (k % 4)]! >> (2 * (k >> 2))) & 3) << 4)) - 32;
}

export function quantizeQ2_K(src: Float32Array, out: Uint8Array): Uint8Array {
    const L = new Int32Array(QK_K);
    const weights = new Float32Array(16);
    const scales = new Float32Array(16);
    const mins = new Float32Array(16);
    const m = { min: 0 };
    for (let b = 0; b < src.length / QK_K; b++) {
        const x = b * QK_K;
        const o = b * Q2_K_BLOCK_BYTES;
        let maxScale = 0;
        let maxMin = 0;
        for (let j = 0; j < 16; j++) {
            for (let l = 0; l < 16; l++) {
                weights[l] = Math.abs(src[x + 16 * j + l]!);
            }
            scales[j] = makeQkx2Quants(src, x + 16 * j, 16, 3, weights, L, 16 * j, -0.5, f(0.1), 15, true, m);
            mins[j] = m.min;
            maxScale = scales[j]! > maxScale ? scales[j]! : maxScale;
            maxMin = mins[j]! > maxMin ? mins[j]! : maxMin;
        }
        out.fill(0, o, o + 16);
        let d = 0;
        let dmin = 0;
        if (maxScale > 0) {
            const iscale = f(15 / maxScale);
            for (let j = 0; j < 16; j++) {
                out[o + j] = nearestInt(f(iscale * scales[j]!)) & 0xff;
            }
            d = f(maxScale / 15);
        }
        if (maxMin > 0) {
            const iscale = f(15 / maxMin);
            for (let j = 0; j < 16; j++) {
                out[o + j] = (out[o + j]! | (nearestInt(f(iscale * mins[j]!)) << 4)) & 0xff;
            }
            dmin = f(maxMin / 15);
        }
        const dBits = f32ToF16Bits(d);
        const dminBits = f32ToF16Bits(dmin);
        for (let j = 0; j < 16; j++) {
            const dd = f(h2f(dBits) * (out[o + j]! & 0xf));
            if (dd === 0) {
                continue;
            }
            const dm = f(h2f(dminBits) * (out[o + j]! >> 4));
            for (let i = 0; i < 16; i++) {
                L[16 * j + i] = Math.max(0, Math.min(3, nearestInt(f(f(src[x + 16 * j + i]! + dm) / dd))));
            }
        }
        pack2Bit(out, o + 16, L);
        const view = new DataView(out.buffer, out.byteOffset + o, Q2_K_BLOCK_BYTES);
        view.setUint16(80, dBits, true);
        view.setUint16(82, dminBits, true);
    }
    return out;
}

export function dequantizeQ2_K(src: Uint8Array, n: number, out: Float32Array): Float32Array {
    for (let b = 0; b < n / QK_K; b++) {
        const o = b * Q2_K_BLOCK_BYTES;
        const d = h2f(src[o + 80]! | (src[o + 81]! << 8));
        const dmin = h2f(src[o + 82]! | (src[o + 83]! << 8));
        for (let i = 0; i < QK_K; i++) {
            const half = i >> 7;
            const j = (i >> 5) & 3;
            const l = i & 31;
            const sc = src[o + half * 8 + j * 2 + (l >> 4)]!;
            const q = (src[o + 16 + half * 32 + l]! >> (2 * j)) & 3;
            out[b * QK_K + i] = f(f(f(d * (sc & 0xf)) * q) - f(dmin * (sc >> 4)));
        }
    }
    return out;
}

export function quantizeQ3_K(src: Float32Array, out: Uint8Array): Uint8Array {
    const L = new Int32Array(QK_K);
    const scales = new Float32Array(16);
    for (let b = 0; b < src.length / QK_K; b++) {
        const x = b * QK_K;
        const o = b * Q3_K_BLOCK_BYTES;
        const sAt = o + 96;
        let maxScale = 0;
        let amax = 0;
        for (let j = 0; j < 16; j++) {
            scales[j] = makeQ3Quants(src, x + 16 * j, 16, 4, L, 16 * j);
            if (Math.abs(scales[j]!) > amax) {
                amax = Math.abs(scales[j]!);
                maxScale = scales[j]!;
            }
        }
        out.fill(0, o, o + Q3_K_BLOCK_BYTES);
        let d = 0;
        if (maxScale !== 0) {
            const iscale = f(-32 / maxScale);
            for (let j = 0; j < 16; j++) {
                let l = ((nearestInt(f(iscale * scales[j]!)) + 128) & 0xff) - 128; // ggml holds it in an int8_t
                l = Math.max(-32, Math.min(31, l)) + 32;
                if (j < 8) {
                    out[sAt + j] = l & 0xf;
                } else {
                    out[sAt + j - 8] = out[sAt + j - 8]! | ((l & 0xf) << 4);
                }
                out[sAt + 8 + (j % 4)] = out[sAt + 8 + (j % 4)]! | ((l >> 4) << (2 * (j >> 2)));
            }
            d = f(1 / iscale);
        }
        const dBits = f32ToF16Bits(d);
        for (let j = 0; j < 16; j++) {
            const dd = f(h2f(dBits) * q3Scale(out, sAt, j));
            if (dd === 0) {
                continue;
            }
            for (let i = 0; i < 16; i++) {
                L[16 * j + i] = Math.max(-4, Math.min(3, nearestInt(f(src[x + 16 * j + i]! / dd)))) + 4;
            }
        }
        let m = 0;
        let hm = 1;
        for (let j = 0; j < QK_K; j++) {
            if (L[j]! > 3) {
                out[o + m] = out[o + m]! | hm;
                L[j] = L[j]! - 4;
            }
            if (++m === 32) {
                m = 0;
                hm <<= 1;
            }
        }
        pack2Bit(out, o + 32, L);
        out[o + 108] = dBits & 0xff;
        out[o + 109] = dBits >> 8;
    }
    return out;
}

export function dequantizeQ3_K(src: Uint8Array, n: number, out: Float32Array): Float32Array {
    for (let b = 0; b < n / QK_K; b++) {
        const o = b * Q3_K_BLOCK_BYTES;
        const d = h2f(src[o + 108]! | (src[o + 109]! << 8));
        for (let i = 0; i < QK_K; i++) {
            const half = i >> 7;
            const j = (i >> 5) & 3;
            const l = i & 31;
            const sc = q3Scale(src, o + 96, half * 8 + j * 2 + (l >> 4));
            let q = (src[o + 32 + half * 32 + l]! >> (2 * j)) & 3;
            if ((src[o + l]! & (1 << (half * 4 + j))) === 0) {
                q -= 4;
            }
            out[b * QK_K + i] = f(f(d * sc) * q);
        }
    }
    return out;
}

