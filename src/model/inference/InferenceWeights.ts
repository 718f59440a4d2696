/**
 * InferenceWeights: a LLaMA model's weights as inference holds them, each tensor at rest in its file's storage
 * type (F32, F16, BF16, or a ggml block type: Q8_0, Q4_0, Q4_K, Q6_K...), one typed array per tensor: no arena, no F32 copy of a half- or 8-bit model.
 * Norm weights are F32 (they are tiny and read elementwise). Linear weights are (rows, cols) row-major in Hugging
 * Face layout; the embedding is read a row at a time; a tied lm_head is the embedding itself.
 */
import { GgmlType } from "../../formats/gguf/ggufTypes.js";
import type { QuantStorage } from "../../formats/model/ModelSource.js";
import { dequantizeGgml, ggmlRowBytes, type StorageType } from "../../formats/quant/ggmlQuant.js";
import { f16BitsToF32, bf16BitsToF32 } from "../../formats/quant/halfFloat.js";
import type { LlamaConfig } from "../LlamaConfig.js";
import type { LlamaModel } from "../LlamaModel.js";

export type StoredWeight =
    | { type: "F32"; data: Float32Array }
    | { type: "F16" | "BF16"; data: Uint16Array }
    | { type: QuantStorage; data: Uint8Array };

export interface LayerWeights {
    inputLayernorm: Float32Array;
    qProj: StoredWeight; kProj: StoredWeight; vProj: StoredWeight; oProj: StoredWeight;
    postAttentionLayernorm: Float32Array;
    gateProj: StoredWeight; upProj: StoredWeight; downProj: StoredWeight;
}

export interface InferenceWeights {
    config: LlamaConfig;
    embedTokens: StoredWeight;
    layers: LayerWeights[];
    norm: Float32Array;
    lmHead: StoredWeight;
    /** Bytes held (the embedding once when tied). */
    bytes: number;
}

export const LINEAR_NAMES = ["qProj", "kProj", "vProj", "oProj", "gateProj", "upProj", "downProj"] as const;

/** The F32 tensors of a LlamaModel used in place (a model just trained is served without a copy). */
export function inferenceWeightsFromModel(model: LlamaModel): InferenceWeights {
    const f32 = (name: string): StoredWeight => ({ type: "F32", data: model.tensor(name) });
    const c = model.config;
    const layers = Array.from({ length: c.nLayers }, (_, l): LayerWeights => {
        const t = (name: string): Float32Array => model.tensor(`layers.${l}.${name}`);
        return {
            inputLayernorm: t("inputLayernorm"), postAttentionLayernorm: t("postAttentionLayernorm"),
            qProj: f32(`layers.${l}.qProj`), kProj: f32(`layers.${l}.kProj`), vProj: f32(`layers.${l}.vProj`), oProj: f32(`layers.${l}.oProj`),
            gateProj: f32(`layers.${l}.gateProj`), upProj: f32(`layers.${l}.upProj`), downProj: f32(`layers.${l}.downProj`),
        };
    });
    const bytes = model.layout.reduce((n, s) => n + s.size * 4, 0);
    return { config: c, embedTokens: f32("embedTokens"), layers, norm: model.tensor("norm"), lmHead: f32(c.tieEmbeddings ? "embedTokens" : "lmHead"), bytes };
}

/** out (C) = row `row` of a (rows, C) stored weight, as float32. */
export function readRowF32(out: Float32Array, w: StoredWeight, row: number, C: number): void {
    switch (w.type) {
        case "F32":
            out.set(w.data.subarray(row * C, (row + 1) * C));
            return;
        case "F16":
            for (let c = 0; c < C; c++) {
                out[c] = f16BitsToF32(w.data[row * C + c]!);
            }
            return;
        case "BF16":
            for (let c = 0; c < C; c++) {
                out[c] = bf16BitsToF32(w.data[row * C + c]!);
            }
            return;
        default: {
            const type = GgmlType[w.type] as StorageType;
            const rowBytes = ggmlRowBytes(type, C);
            dequantizeGgml(type, w.data.subarray(row * rowBytes, (row + 1) * rowBytes), C, out);
            return;
        }
    }
}

export function storedBytes(w: StoredWeight): number {
    return w.data.byteLength;
}
