/**
 * LlamaConfig: the shape of a LLaMA-2 model, its presets, and the validation that refuses impossible shapes
 * with a message naming the field.
 */
import { ConfigError } from "../errors/MellamaError.js";
import type { RopeScaling } from "./ropeFrequencies.js";

export interface LlamaConfig {
    dim: number;
    nLayers: number;
    nHeads: number;
    nKvHeads: number;
    hiddenDim: number;
    vocabSize: number;
    maxSeqLen: number;
    normEps: number;
    ropeTheta: number;
    /** config.json rope_scaling (linear, dynamic, llama3), or a GGUF's rope_freqs factors; absent: plain RoPE. */
    ropeScaling?: RopeScaling;
    /** lm_head shares the token embedding (tie_word_embeddings). */
    tieEmbeddings: boolean;
}

export const PRESETS: Readonly<Record<string, LlamaConfig>> = {
    /** llama2.c's stories15M shape (PERFORMANCE.md benchmarks). */
    tiny15m: { dim: 288, nLayers: 6, nHeads: 6, nKvHeads: 6, hiddenDim: 768, vocabSize: 32000, maxSeqLen: 256,
        normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false },
    small110m: { dim: 768, nLayers: 12, nHeads: 12, nKvHeads: 12, hiddenDim: 2048, vocabSize: 32000, maxSeqLen: 1024,
        normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false },
    "llama2-7b": { dim: 4096, nLayers: 32, nHeads: 32, nKvHeads: 32, hiddenDim: 11008, vocabSize: 32000, maxSeqLen: 4096, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false },
    "llama2-13b": { dim: 5120, nLayers: 40, nHeads: 40, nKvHeads: 40, hiddenDim: 13824, vocabSize: 32000, maxSeqLen: 4096, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false },
    /** Meta-Llama-3-8B (Me-LLaMA's Med-LLaMA3-8B base): 128k byte-level vocabulary, GQA 8 kv heads, rope base 500000. */
    "llama3-8b": { dim: 4096, nLayers: 32, nHeads: 32, nKvHeads: 8, hiddenDim: 14336, vocabSize: 128256, maxSeqLen: 8192, normEps: 1e-5, ropeTheta: 500000, tieEmbeddings: false },
    "llama2-70b": { dim: 8192, nLayers: 80, nHeads: 64, nKvHeads: 8, hiddenDim: 28672, vocabSize: 32000, maxSeqLen: 4096, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false },
};

export function headDim(config: LlamaConfig): number {
    return config.dim / config.nHeads;
}

export function kvDim(config: LlamaConfig): number {
    return config.nKvHeads * headDim(config);
}

/** Throws a ConfigError naming the first impossible field; returns the config otherwise. */
export function validateConfig(config: LlamaConfig): LlamaConfig {
    for (const field of ["dim", "nLayers", "nHeads", "nKvHeads", "hiddenDim", "vocabSize", "maxSeqLen"] as const) {
        const value = config[field];
        if (!Number.isInteger(value) || value <= 0) {
            throw new ConfigError(field, `must be a positive integer, got ${String(value)}`);
        }
    }
    if (config.dim % config.nHeads !== 0) {
        throw new ConfigError("nHeads", `${config.nHeads} heads do not divide dim ${config.dim}`);
    }
    if (config.nHeads % config.nKvHeads !== 0) {
        throw new ConfigError("nKvHeads", `${config.nKvHeads} kv heads do not divide ${config.nHeads} heads`);
    }
    if (headDim(config) % 2 !== 0) {
        throw new ConfigError("nHeads", `head size ${headDim(config)} is odd; rotary embeddings need an even head size`);
    }
    if (!(config.normEps > 0) || !Number.isFinite(config.normEps)) {
        throw new ConfigError("normEps", `must be a positive number, got ${String(config.normEps)}`);
    }
    if (!(config.ropeTheta > 0) || !Number.isFinite(config.ropeTheta)) {
        throw new ConfigError("ropeTheta", `must be a positive number, got ${String(config.ropeTheta)}`);
    }
    const scaling = config.ropeScaling;
    if (scaling !== undefined) {
        const positive = (field: string, value: unknown): void => {
            if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
                throw new ConfigError(`ropeScaling.${field}`, `must be a positive number, got ${String(value)}`);
            }
        };
        if (scaling.type === "linear" || scaling.type === "dynamic") {
            positive("factor", scaling.factor);
        } else if (scaling.type === "llama3") {
            for (const field of ["factor", "lowFreqFactor", "highFreqFactor", "originalMaxPositionEmbeddings"] as const) {
                positive(field, scaling[field]);
            }
            if (!(scaling.highFreqFactor > scaling.lowFreqFactor)) {
                throw new ConfigError("ropeScaling.highFreqFactor", "must be larger than lowFreqFactor");
            }
        } else if (scaling.type === "factors") {
            if (scaling.factors.length !== headDim(config) / 2) {
                throw new ConfigError("ropeScaling.factors", `${scaling.factors.length} factors for ${headDim(config) / 2} frequencies`);
            }
            scaling.factors.forEach((x, i) => positive(`factors[${i}]`, x));
        } else {
            throw new ConfigError("ropeScaling.type", `"${String((scaling as { type: unknown }).type)}" is not supported (linear, dynamic, llama3)`);
        }
    }
    if (typeof config.tieEmbeddings !== "boolean") {
        throw new ConfigError("tieEmbeddings", "must be true or false");
    }
    return config;
}

export function resolvePreset(name: string): LlamaConfig {
    const preset = PRESETS[name];
    if (preset === undefined) {
        throw new ConfigError("model", `unknown preset "${name}"; presets: ${Object.keys(PRESETS).join(", ")}`);
    }
    return { ...preset };
}
