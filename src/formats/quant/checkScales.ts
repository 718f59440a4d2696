/**
 * Finds the first block of a quantized tensor whose f16 scale (or min) is NaN or Inf: such a block decodes to
 * NaN/Inf weights and poisons every output it touches, so a reader reports it by tensor and block instead.
 */
import { GGML_BLOCK, GgmlType } from "../gguf/ggufTypes.js";

/** Byte offsets (and names) of the f16 scale fields in one block of each quantized type. */
const HALF_FIELDS: Partial<Record<GgmlType, readonly [number, string][]>> = {
    [GgmlType.Q4_0]: [[0, "d"]], [GgmlType.Q4_1]: [[0, "d"], [2, "m"]], [GgmlType.Q5_0]: [[0, "d"]],
    [GgmlType.Q5_1]: [[0, "d"], [2, "m"]], [GgmlType.Q8_0]: [[0, "d"]], [GgmlType.Q2_K]: [[80, "d"], [82, "dmin"]],
    [GgmlType.Q3_K]: [[108, "d"]], [GgmlType.Q4_K]: [[0, "d"], [2, "dmin"]], [GgmlType.Q5_K]: [[0, "d"], [2, "dmin"]],
    [GgmlType.Q6_K]: [[208, "d"]],
};

export interface BadScale {
    block: number;
    field: string;
    value: "NaN" | "Inf";
}

export function findBadScale(type: GgmlType, bytes: Uint8Array): BadScale | null {
    const fields = HALF_FIELDS[type];
    if (fields === undefined) {
        return null;
    }
    const [, blockBytes] = GGML_BLOCK[type];
    for (let b = 0, at = 0; at + blockBytes <= bytes.length; b++, at += blockBytes) {
        for (const [off, field] of fields) {
            const h = bytes[at + off]! | (bytes[at + off + 1]! << 8);
            if ((h & 0x7c00) === 0x7c00) {
                return { block: b, field, value: (h & 0x3ff) === 0 ? "Inf" : "NaN" };
            }
        }
    }
    return null;
}
