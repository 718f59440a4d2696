/**
 * decodeQuantRow: one row of ggml quantized blocks (the types matmulQuant takes) to exact float64 weights,
 * written for reading: each value is its integer level and group scale, w = d * sc * (u - offset) - dmin * m
 * (legacy _1 types: d * u + m), with no float32 rounding. The reference twin of quantImpl.inc's weight unpacking,
 * independent of formats/quant (ggml's float32 dequantizers, which round each product).
 *
 * Block layouts (ggml-common.h), values per block / bytes:
 *   Q4_0 32/18 {f16 d; u8 qs[16]}, level u = nibble, w = d (u - 8); value j < 16 low nibble of qs[j], j + 16 high
 *   Q4_1 32/20 {f16 d; f16 m; u8 qs[16]}, w = d u + m
 *   Q5_0 32/22 {f16 d; u32 qh; u8 qs[16]}, fifth bit of value j is bit j of qh, w = d (u - 16)
 *   Q5_1 32/24 {f16 d; f16 m; u32 qh; u8 qs[16]}, w = d u + m
 *   Q2_K 256/84 {u8 scales[16]; u8 qs[64]; f16 d; f16 dmin}, 16 groups of 16, w = d (sc & 15) u - dmin (sc >> 4) u
 *   Q3_K 256/110 {u8 hmask[32]; u8 qs[64]; u8 scales[12]; f16 d}, 6-bit scales - 32, w = d sc (u - 4)
 *   Q4_K 256/144 {f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}, 8 sub-blocks of 32 with 6-bit scale and min
 *   Q5_K 256/176 {f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}
 *   Q6_K 256/210 {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}, w = d sc (u - 32)
 */
import type { QuantKernelType } from "../DecodeKernels.js";

/** [values, bytes] per block of each type matmulQuant takes (ggml's type_traits). */
export const QUANT_KERNEL_BLOCKS: Readonly<Record<QuantKernelType, readonly [number, number]>> = {
    2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210],
};

function half(b: Uint8Array, at: number): number {
    const h = b[at] | (b[at + 1] << 8);
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
        return mant === 0 ? sign * Infinity : Number.NaN;
    }
    return exp === 0 ? sign * mant * 2 ** -24 : sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Q4_K/Q5_K sub-block j's 6-bit scale and min from the 12 packed bytes at `at`. */
function scaleMin(b: Uint8Array, at: number, j: number): [number, number] {
    if (j < 4) {
        return [b[at + j] & 63, b[at + j + 4] & 63];
    }
    return [(b[at + j + 4] & 0xf) | ((b[at + j - 4] >> 6) << 4), (b[at + j + 4] >> 4) | ((b[at + j] >> 6) << 4)];
}

function decodeLegacy(out: Float64Array, o: number, b: Uint8Array, at: number, type: QuantKernelType): void {
    const withMin = type === 3 || type === 7;
    const five = type === 6 || type === 7;
    const d = half(b, at);
    const m = withMin ? half(b, at + 2) : 0;
    const qhAt = at + (withMin ? 4 : 2);
    const qh = five ? (b[qhAt] | (b[qhAt + 1] << 8) | (b[qhAt + 2] << 16) | (b[qhAt + 3] << 24)) >>> 0 : 0;
    const qs = qhAt + (five ? 4 : 0);
    const offset = withMin ? 0 : five ? 16 : 8;
    for (let j = 0; j < 32; j++) {
        const nibble = j < 16 ? b[qs + j] & 0xf : b[qs + j - 16] >> 4;
        const u = nibble | (((qh >>> j) & 1) << 4);
        out[o + j] = withMin ? d * u + m : d * (u - offset);
    }
}

function decodeK(out: Float64Array, o: number, b: Uint8Array, at: number, type: QuantKernelType): void {
    for (let i = 0; i < 256; i++) {
        const half128 = i >> 7;
        const j = (i >> 5) & 3; // 32-value stripe within the 128
        const l = i & 31;
        const group = half128 * 8 + j * 2 + (l >> 4); // 16-value group for the 2/3/6-bit types
        let w: number;
        switch (type) {
            case 10: { // Q2_K
                const sc = b[at + group];
                const u = (b[at + 16 + half128 * 32 + l] >> (2 * j)) & 3;
                w = half(b, at + 80) * (sc & 0xf) * u - half(b, at + 82) * (sc >> 4);
                break;
            }
            case 11: { // Q3_K
                const s = at + 96;
                const low = group < 8 ? b[s + group] & 0xf : b[s + group - 8] >> 4;
                const sc = (low | (((b[s + 8 + (group % 4)] >> (2 * (group >> 2))) & 3) << 4)) - 32;
                const hbit = (b[at + l] >> (half128 * 4 + j)) & 1;
                const u = ((b[at + 32 + half128 * 32 + l] >> (2 * j)) & 3) | (hbit << 2);
                w = half(b, at + 108) * sc * (u - 4);
                break;
            }
            case 12:
            case 13: { // Q4_K, Q5_K: sub-block of 32 = i / 32
                const sub = i >> 5;
                const [sc, m] = scaleMin(b, at + 4, sub);
                const qs = at + (type === 13 ? 48 : 16);
                const byte = b[qs + 32 * (sub >> 1) + l];
                const high = type === 13 ? ((b[at + 16 + l] >> sub) & 1) << 4 : 0;
                const u = (sub & 1 ? byte >> 4 : byte & 0xf) | high;
                w = half(b, at) * sc * u - half(b, at + 2) * m;
                break;
            }
            default: { // Q6_K: stripe j takes ql's low (j < 2) or high nibbles, of bytes l or l + 32
                const lo = b[at + 64 * half128 + l + 32 * (j & 1)];
                const u = (j >= 2 ? lo >> 4 : lo & 0xf) | (((b[at + 128 + 32 * half128 + l] >> (2 * j)) & 3) << 4);
                const sc = (b[at + 192 + group] << 24) >> 24;
                w = half(b, at + 208) * sc * (u - 32);
            }
        }
        out[o + i] = w;
    }
}

/** out (C) = one row of `type` blocks decoded exactly. */
export function decodeQuantRow(out: Float64Array, row: Uint8Array, type: QuantKernelType, C: number): void {
    const [block, bytes] = QUANT_KERNEL_BLOCKS[type];
    for (let k = 0; k < C / block; k++) {
        (block === 32 ? decodeLegacy : decodeK)(out, k * block, row, k * bytes, type);
    }
}
