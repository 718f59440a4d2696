/**
 * One entry point to ggml's block types: quantize float32 values to a type's blocks and decode them back,
 * bit-exact with ggml's reference quantizers and dequantizers (see each family's file). F32, F16 and BF16 are
 * handled here too, so callers convert any tensor type with one call.
 */
import { quantizeBlocksNative } from "../../kernels/native/nativeKernels.js";
import { GGML_BLOCK, GgmlType } from "../gguf/ggufTypes.js";
import { bf16ArrayToF32, f16ArrayToF32, f32ArrayToBf16, f32ArrayToF16 } from "./halfFloat.js";
import { dequantizeLegacy, type LegacyType, quantizeLegacy } from "./legacyQuants.js";
import { dequantizeQ2_K, dequantizeQ3_K, quantizeQ2_K, quantizeQ3_K } from "./lowBitKQuants.js";
import { dequantizeQ4_K, dequantizeQ5_K, dequantizeQ6_K, quantizeQ4_K, quantizeQ5_K, quantizeQ6_K } from "./midBitKQuants.js";
import { dequantizeQ8_0, quantizeQ8_0 } from "./q8_0.js";

/** The types mellama reads, writes and computes with. */
export const QUANT_TYPES = [
    GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
    GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
] as const;
export type QuantType = (typeof QUANT_TYPES)[number];
export const STORAGE_TYPES = [GgmlType.F32, GgmlType.F16, GgmlType.BF16, ...QUANT_TYPES] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

export function isStorageType(t: GgmlType): t is StorageType {
    return (STORAGE_TYPES as readonly GgmlType[]).includes(t);
}

export function isQuantType(t: GgmlType): t is QuantType {
    return (QUANT_TYPES as readonly GgmlType[]).includes(t);
}

const LEGACY: Partial<Record<GgmlType, LegacyType>> = {
    [GgmlType.Q4_0]: "Q4_0", [GgmlType.Q4_1]: "Q4_1", [GgmlType.Q5_0]: "Q5_0", [GgmlType.Q5_1]: "Q5_1",
};

/** Bytes of `n` values of `type` (n a multiple of its block). */
export function ggmlRowBytes(type: GgmlType, n: number): number {
    const [block, bytes] = GGML_BLOCK[type];
    return (n / block) * bytes;
}

/**
 * Quantizes (or converts) `src` to `type`; src.length must be a multiple of the type's block. Q8_0 and the
 * K-quants run in native code when the addon is built (the same bytes as quantizeGgmlReference, many times faster).
 */
export function quantizeGgml(type: StorageType, src: Float32Array, out: Uint8Array = new Uint8Array(ggmlRowBytes(type, src.length))): Uint8Array {
    checkWholeBlocks(type, src.length);
    if (out.byteLength === ggmlRowBytes(type, src.length) && process.env.MELLAMA_QUANTIZE_REFERENCE !== "1" && quantizeBlocksNative(type, src, out)) {
        return out;
    }
    return quantizeGgmlReference(type, src, out);
}

function checkWholeBlocks(type: StorageType, n: number): void {
    const [block] = GGML_BLOCK[type];
    if (n % block !== 0) {
        throw new RangeError(`${GgmlType[type]} needs a multiple of ${block} values, got ${n}`);
    }
}

/** quantizeGgml in TypeScript only: the readable reference the native quantizer is checked against. */
export function quantizeGgmlReference(type: StorageType, src: Float32Array, out: Uint8Array = new Uint8Array(ggmlRowBytes(type, src.length))): Uint8Array {
    checkWholeBlocks(type, src.length);
    switch (type) {
        case GgmlType.F32:
            out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
            return out;
        case GgmlType.F16:
            out.set(new Uint8Array(f32ArrayToF16(src).buffer));
            return out;
        case GgmlType.BF16:
            out.set(new Uint8Array(f32ArrayToBf16(src).buffer));
            return out;
        case GgmlType.Q8_0: return quantizeQ8_0(src, out);
        case GgmlType.Q2_K: return quantizeQ2_K(src, out);
        case GgmlType.Q3_K: return quantizeQ3_K(src, out);
        case GgmlType.Q4_K: return quantizeQ4_K(src, out);
        case GgmlType.Q5_K: return quantizeQ5_K(src, out);
        case GgmlType.Q6_K: return quantizeQ6_K(src, out);
        default: return quantizeLegacy(LEGACY[type]!, src, out);
    }
}

/** Decodes `n` values of `type` from `src` to float32. */
export function dequantizeGgml(type: StorageType, src: Uint8Array, n: number, out: Float32Array = new Float32Array(n)): Float32Array {
    switch (type) {
        case GgmlType.F32:
            out.set(new Float32Array(src.slice(0, n * 4).buffer));
            return out;
        case GgmlType.F16:
            out.set(f16ArrayToF32(new Uint16Array(src.slice(0, n * 2).buffer)));
            return out;
        case GgmlType.BF16:
            out.set(bf16ArrayToF32(new Uint16Array(src.slice(0, n * 2).buffer)));
            return out;
        case GgmlType.Q8_0: return dequantizeQ8_0(src, n, out);
        case GgmlType.Q2_K: return dequantizeQ2_K(src, n, out);
        case GgmlType.Q3_K: return dequantizeQ3_K(src, n, out);
        case GgmlType.Q4_K: return dequantizeQ4_K(src, n, out);
        case GgmlType.Q5_K: return dequantizeQ5_K(src, n, out);
        case GgmlType.Q6_K: return dequantizeQ6_K(src, n, out);
        default: return dequantizeLegacy(LEGACY[type]!, src, n, out);
    }
}
