/**
 * ggml's 32-value block types Q4_0, Q4_1, Q5_0 and Q5_1 (ggml-common.h), quantized as ggml's reference
 * quantize_row_*_ref does and decoded as dequantize_row_* does, every step a float32 operation:
 *   Q4_0 {f16 d; u8 qs[16]}               x = (q - 8) * d,   d = max / -8 (max: the value of largest magnitude)
 *   Q4_1 {f16 d; f16 m; u8 qs[16]}        x = q * d + m,      d = (max - min) / 15, m = min
 *   Q5_0 {f16 d; u8 qh[4]; u8 qs[16]}     x = (q - 16) * d,  d = max / -16
 *   Q5_1 {f16 d; f16 m; u8 qh[4]; u8 qs[16]}  x = q * d + m,  d = (max - min) / 31
 * Value j < 16 is the low nibble of qs[j], value j + 16 its high nibble; a 5-bit quant's fifth bit is bit j of
 * the little-endian u32 qh. Quants are truncated toward zero after adding 8.5 / 16.5 / 0.5 (ggml's casts).
 */
import { f16BitsToF32, f32ToF16Bits } from "./halfFloat.js";

const f = Math.fround;
const QK = 32;

export type LegacyType = "Q4_0" | "Q4_1" | "Q5_0" | "Q5_1";

export const LEGACY_BLOCK_BYTES: Readonly<Record<LegacyType, number>> = { Q4_0: 18, Q4_1: 20, Q5_0: 22, Q5_1: 24 };

const hasMin = (t: LegacyType): boolean => t === "Q4_1" || t === "Q5_1";
const fiveBit = (t: LegacyType): boolean => t === "Q5_0" || t === "Q5_1";

export function quantizeLegacy(type: LegacyType, src: Float32Array, out: Uint8Array): Uint8Array {
    const bb = LEGACY_BLOCK_BYTES[type];
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const nmax = fiveBit(type) ? 31 : 15;
    for (let b = 0; b < src.length / QK; b++) {
        const x = b * QK;
        const o = b * bb;
        let d: number;
        let min = 0;
        if (hasMin(type)) {
            let lo = f(3.4028234663852886e38);
            let hi = -lo;
            for (let j = 0; j < QK; j++) {
                const v = src[x + j]!;
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            d = f(f(hi - lo) / nmax);
            min = lo;
        } else {
            let amax = 0;
            let max = 0;
            for (let j = 0; j < QK; j++) {
                const v = src[x + j]!;
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            d = f(max / (fiveBit(type) ? -16 : -8));
        }
        const id = d !== 0 ? f(1 / d) : 0;
        view.setUint16(o, f32ToF16Bits(d), true);
        if (hasMin(type)) {
            view.setUint16(o + 2, f32ToF16Bits(min), true);
        }
        const bias = hasMin(type) ? 0.5 : fiveBit(type) ? 16.5 : 8.5;
        const qsAt = o + (hasMin(type) ? 4 : 2) + (fiveBit(type) ? 4 : 0);
        let qh = 0;
        for (let j = 0; j < QK / 2; j++) {
            const x0 = hasMin(type) ? f(f(src[x + j]! - min) * id) : f(src[x + j]! * id);
            const x1 = hasMin(type) ? f(f(src[x + j + 16]! - min) * id) : f(src[x + j + 16]! * id);
            let q0 = Math.trunc(f(x0 + bias));
            let q1 = Math.trunc(f(x1 + bias));
            // Q5_1's reference stores the cast without a clamp (a uint8_t); the others clamp at the top level
            q0 = type === "Q5_1" ? q0 & 0xff : Math.min(nmax, q0);
            q1 = type === "Q5_1" ? q1 & 0xff : Math.min(nmax, q1);
            out[qsAt + j] = ((q0 & 0x0f) | ((q1 & 0x0f) << 4)) & 0xff;
            qh |= ((q0 & 0x10) >> 4) << j;
            qh |= ((q1 & 0x10) >> 4) << (j + 16);
        }
        if (fiveBit(type)) {
            view.setUint32(o + (hasMin(type) ? 4 : 2), qh >>> 0, true);
        }
    }
    return out;
}

export function dequantizeLegacy(type: LegacyType, src: Uint8Array, n: number, out: Float32Array): Float32Array {
    const bb = LEGACY_BLOCK_BYTES[type];
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0; b < n / QK; b++) {
        const o = b * bb;
        const d = f16BitsToF32(view.getUint16(o, true));
        const m = hasMin(type) ? f16BitsToF32(view.getUint16(o + 2, true)) : 0;
        const qhAt = o + (hasMin(type) ? 4 : 2);
        const qh = fiveBit(type) ? view.getUint32(qhAt, true) : 0;
        const qsAt = qhAt + (fiveBit(type) ? 4 : 0);
        const offset = hasMin(type) ? 0 : fiveBit(type) ? 16 : 8;
        for (let j = 0; j < QK / 2; j++) {
            const byte = src[qsAt + j]!;
            const q0 = (byte & 0x0f) | (((qh >>> j) << 4) & 0x10);
            const q1 = (byte >> 4) | ((qh >>> (j + 12)) & 0x10);
            out[b * QK + j] = hasMin(type) ? f(f(q0 * d) + m) : f((q0 - offset) * d);
            out[b * QK + j + 16] = hasMin(type) ? f(f(q1 * d) + m) : f((q1 - offset) * d);
        }
    }
    return out;
}
