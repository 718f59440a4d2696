/**
 * The per-tensor type mixture of llama.cpp's quantizer (llama-quant.cpp: llama_tensor_get_type and its fallback
 * for rows that are not whole blocks) for a LLaMA model, so `mellama export --type q4_k_m` writes the tensor
 * types `llama-quantize ... Q4_K_M` would. Documented in docs/quantization.md. Without an importance matrix, for a
 * dense (non-MoE, non-Falcon) model:
 *   - 1-D tensors (norms) stay F32; 2-D weights take the file type's base type, except:
 *   - output.weight: Q6_K, unless the base type is Q8_0 (or its rows are not whole 256-blocks: Q8_0);
 *   - attn_v.weight: q4_k_m / q5_k_m: Q6_K on "more bits" layers (the first and last eighth, and every third
 *     in between: i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2); q4_k_s: Q5_K on layers 0..3; q3_k_m: Q5_K on
 *     layers 0..1, Q4_K after; q2_k: Q3_K (Q4_K with 4+ query heads per KV head);
 *   - ffn_down.weight: q4_k_m / q5_k_m: Q6_K on "more bits" layers; q4_k_s: Q5_K on the first eighth;
 *     q3_k_m: Q5_K on the first sixteenth, Q4_K after; q2_k: Q3_K;
 *   - attn_output.weight: q2_k: Q3_K; q3_k_m: Q4_K.
 *   - a row length that is not a multiple of the chosen type's block falls back as llama.cpp does (Q4_K -> Q5_0,
 *     Q5_K -> Q5_1, Q6_K -> Q8_0; Q2_K/Q3_K -> Q4_0 where llama.cpp takes IQ4_NL, which mellama does not
 *     write), then to F16 if even 32 does not divide it.
 */
import { GGML_BLOCK, GgmlType } from "./ggufTypes.js";

/** The file types mellama writes (LLAMA_FILE_TYPE has their llama.cpp numbers) and their base tensor types. */
export const FILE_TYPES = {
    f32: { base: GgmlType.F32 },
    f16: { base: GgmlType.F16 },
    bf16: { base: GgmlType.BF16 },
    q8_0: { base: GgmlType.Q8_0 },
    q4_0: { base: GgmlType.Q4_0 },
    q4_1: { base: GgmlType.Q4_1 },
    q5_0: { base: GgmlType.Q5_0 },
    q5_1: { base: GgmlType.Q5_1 },
    q2_k: { base: GgmlType.Q2_K },
    q3_k_m: { base: GgmlType.Q3_K },
    q4_k_s: { base: GgmlType.Q4_K },
    q4_k_m: { base: GgmlType.Q4_K },
    q5_k_s: { base: GgmlType.Q5_K },
    q5_k_m: { base: GgmlType.Q5_K },
    q6_k: { base: GgmlType.Q6_K },
} as const;

export type FileTypeName = keyof typeof FILE_TYPES;

export function isFileTypeName(s: string): s is FileTypeName {
    return Object.hasOwn(FILE_TYPES, s);
}

export interface MixtureModel {
    nLayers: number;
    /** Query heads per KV head. */
    nGqa: number;
    /** No output.weight: the embedding is the output layer, and llama.cpp gives token_embd the output's type. */
    tiedOutput: boolean;
}

/** llama.cpp's use_more_bits: the first and last eighth of the layers and every third layer in between. */
export function useMoreBits(layer: number, nLayers: number): boolean {
    return layer < Math.trunc(nLayers / 8) || layer >= Math.trunc((7 * nLayers) / 8) || (layer - Math.trunc(nLayers / 8)) % 3 === 2;
}

const isQuantized = (t: GgmlType): boolean => t !== GgmlType.F32 && t !== GgmlType.F16 && t !== GgmlType.BF16;

/** The GGML type of GGUF tensor `name` (ggml dims `dims`, fastest first) in a file of type `fileType`. */
export function tensorTypeFor(fileType: FileTypeName, name: string, dims: readonly number[], model: MixtureModel): GgmlType {
    const base = FILE_TYPES[fileType].base;
    if (dims.length < 2 || name.endsWith("_norm.weight")) {
        return GgmlType.F32;
    }
    if (!isQuantized(base)) {
        return base;
    }
    const layer = Number(/^blk\.(\d+)\./.exec(name)?.[1] ?? -1);
    const n = model.nLayers;
    let t: GgmlType = base;
    if (name === "output.weight" || (model.tiedOutput && name === "token_embd.weight")) {
        t = dims[0]! % 256 !== 0 ? GgmlType.Q8_0 : base !== GgmlType.Q8_0 ? GgmlType.Q6_K : base;
    } else if (name.endsWith("attn_v.weight")) {
        if (fileType === "q2_k") {
            t = model.nGqa >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
        } else if (fileType === "q3_k_m") {
            t = layer < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
        } else if ((fileType === "q4_k_m" || fileType === "q5_k_m") && useMoreBits(layer, n)) {
            t = GgmlType.Q6_K;
        } else if (fileType === "q4_k_s" && layer < 4) {
            t = GgmlType.Q5_K;
        }
    } else if (name.endsWith("ffn_down.weight")) {
        if (fileType === "q2_k") {
            t = GgmlType.Q3_K;
        } else if (fileType === "q3_k_m") {
            t = layer < Math.trunc(n / 16) ? GgmlType.Q5_K : GgmlType.Q4_K;
        } else if ((fileType === "q4_k_m" || fileType === "q5_k_m") && useMoreBits(layer, n)) {
            t = GgmlType.Q6_K;
        } else if (fileType === "q4_k_s" && layer < Math.trunc(n / 8)) {
            t = GgmlType.Q5_K;
        }
    } else if (name.endsWith("attn_output.weight")) {
        if (fileType === "q2_k") {
            t = GgmlType.Q3_K;
        } else if (fileType === "q3_k_m") {
            t = GgmlType.Q4_K;
        }
    }
    return fallback(t, dims[0]!);
}

/** llama.cpp's fallback when a row is not whole blocks of the chosen type. */
function fallback(t: GgmlType, rowLength: number): GgmlType {
    if (rowLength % GGML_BLOCK[t][0] === 0) {
        return t;
    }
    const next = ({
        [GgmlType.Q4_K]: GgmlType.Q5_0, [GgmlType.Q5_K]: GgmlType.Q5_1, [GgmlType.Q6_K]: GgmlType.Q8_0, [GgmlType.Q2_K]: GgmlType.Q4_0,
        [GgmlType.Q3_K]: GgmlType.Q4_0,
    } as Partial<Record<GgmlType, GgmlType>>)[t];
    if (next !== undefined && rowLength % GGML_BLOCK[next][0] === 0) {
        return next;
    }
    return GgmlType.F16;
}
