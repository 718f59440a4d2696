/**
 * Reads a Hugging Face LLaMA checkpoint directory (config.json + model.safetensors, or shards listed in
 * model.safetensors.index.json) into a LlamaConfig and float32 weights by HF tensor name.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FormatError } from "../errors/MellamaError.js";
import { readF32Safetensors } from "../formats/checkpoint/trainingState.js";
import { fromHfConfig } from "../model/hfConfig.js";
import type { LlamaConfig } from "../model/LlamaConfig.js";

export interface HfModel {
    config: LlamaConfig;
    weights: Map<string, Float32Array>;
    path: string;
}

export function loadHfModel(dir: string): HfModel {
    const configPath = join(dir, "config.json");
    if (!existsSync(configPath)) {
        throw new FormatError(dir, "config.json", "missing: not a Hugging Face model directory");
    }
    const config = fromHfConfig(JSON.parse(readFileSync(configPath, "utf8")), configPath);
    const weights = new Map<string, Float32Array>();
    const single = join(dir, "model.safetensors");
    const index = join(dir, "model.safetensors.index.json");
    const files = existsSync(single) ? [single] : existsSync(index)
        ? [...new Set(Object.values((JSON.parse(readFileSync(index, "utf8")) as { weight_map: Record<string, string> }).weight_map))].map((f) => join(dir, f))
        : [];
    if (files.length === 0) {
        throw new FormatError(dir, "model.safetensors", "missing (nor model.safetensors.index.json)");
    }
    for (const file of files) {
        for (const [name, data] of readF32Safetensors(file)) {
            weights.set(name, data);
        }
    }
    return { config, weights, path: dir };
}
