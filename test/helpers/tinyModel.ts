/** A tiny LLaMA checkpoint (Hugging Face layout, real tokenizer) and a PEFT LoRA adapter for it, for CLI tests. */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { writePeftAdapter } from "../../src/formats/peft/peftAdapter.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { parameterLayout } from "../../src/model/parameterLayout.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";

const tokenizerModel = fileURLToPath(new URL("../fixtures/tokenizer/llama_like.model", import.meta.url));

export function tinyConfig(dim = 32, nLayers = 2): LlamaConfig {
    return { dim, nLayers, nHeads: 4, nKvHeads: 2, hiddenDim: dim * 2, vocabSize: loadTokenizer(tokenizerModel).vocabSize, maxSeqLen: 64,
        normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
}

/** Deterministic weights from `seed`. */
export function writeTinyModel(dir: string, config: LlamaConfig = tinyConfig(), seed = 1): void {
    writeHfCheckpoint({ dir, config, bosTokenId: 1, eosTokenId: 2, tensors: parameterLayout(config).map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => Float32Array.from({ length: s.size }, (_, i) => Math.sin(seed * 7919 + s.offset + i) * 0.05) })) });
    copyFileSync(tokenizerModel, join(dir, "tokenizer.model"));
}

/** A rank-4 adapter on q_proj and v_proj of every layer. */
export function writeTinyAdapter(dir: string, config: LlamaConfig = tinyConfig()): void {
    const r = 4;
    const kv = (config.dim / config.nHeads) * config.nKvHeads;
    writePeftAdapter(dir, {
        r, alpha: 8, dropout: 0, targetModules: ["q_proj", "v_proj"], baseModel: null,
        pairs: Array.from({ length: config.nLayers }, () => [["q_proj", config.dim], ["v_proj", kv]] as const).flat().map(([m, out], k) => ({
            module: `model.layers.${Math.floor(k / 2)}.self_attn.${m}`, inFeatures: config.dim, outFeatures: out,
            a: Float32Array.from({ length: r * config.dim }, (_, i) => Math.cos(i + k) * 0.1),
            b: Float32Array.from({ length: out * r }, (_, i) => Math.sin(i - k) * 0.1),
        })),
    });
}
