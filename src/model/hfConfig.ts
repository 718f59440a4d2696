/**
 * LlamaConfig <-> Hugging Face config.json of LlamaForCausalLM.
 */
import { ConfigError } from "../errors/MellamaError.js";
import { type LlamaConfig, validateConfig } from "./LlamaConfig.js";
import type { RopeScaling } from "./ropeFrequencies.js";

export interface HfLlamaConfig {
    architectures: string[];
    model_type: "llama";
    hidden_size: number;
    intermediate_size: number;
    num_attention_heads: number;
    num_key_value_heads: number;
    num_hidden_layers: number;
    rms_norm_eps: number;
    rope_theta: number;
    vocab_size: number;
    max_position_embeddings: number;
    tie_word_embeddings: boolean;
    hidden_act: "silu";
    torch_dtype: string;
    bos_token_id?: number;
    eos_token_id?: number;
    [key: string]: unknown;
}

export function toHfConfig(config: LlamaConfig, extra: { torchDtype?: string; bosTokenId?: number; eosTokenId?: number } = {}): HfLlamaConfig {
    return {
        architectures: ["LlamaForCausalLM"],
        model_type: "llama",
        hidden_size: config.dim,
        intermediate_size: config.hiddenDim,
        num_attention_heads: config.nHeads,
        num_key_value_heads: config.nKvHeads,
        num_hidden_layers: config.nLayers,
        rms_norm_eps: config.normEps,
        rope_theta: config.ropeTheta,
        ...(config.ropeScaling === undefined ? {} : { rope_scaling: toHfRopeScaling(config.ropeScaling) }),
        vocab_size: config.vocabSize,
        max_position_embeddings: config.maxSeqLen,
        tie_word_embeddings: config.tieEmbeddings,
        hidden_act: "silu",
        initializer_range: 0.02,
        attention_bias: false,
        torch_dtype: extra.torchDtype ?? "float32",
        ...(extra.bosTokenId === undefined ? {} : { bos_token_id: extra.bosTokenId }),
        ...(extra.eosTokenId === undefined ? {} : { eos_token_id: extra.eosTokenId }),
    };
}

/** Reads a parsed config.json; `file` names it in errors. */
export function fromHfConfig(json: unknown, file = "config.json"): LlamaConfig {
    if (json === null || typeof json !== "object") {
        throw new ConfigError(file, "is not a JSON object");
    }
    const c = json as Record<string, unknown>;
    const num = (key: string, fallback?: number): number => {
        const value = c[key] ?? fallback;
        if (typeof value !== "number") {
            throw new ConfigError(`${file}: ${key}`, `must be a number, got ${JSON.stringify(value)}`);
        }
        return value;
    };
    if (c.model_type !== undefined && c.model_type !== "llama") {
        throw new ConfigError(`${file}: model_type`, `"${String(c.model_type)}" is not a LLaMA model`);
    }
    if (c.hidden_act !== undefined && c.hidden_act !== "silu") {
        throw new ConfigError(`${file}: hidden_act`, `"${String(c.hidden_act)}" is not supported (LLaMA uses silu)`);
    }
    const heads = num("num_attention_heads");
    return validateConfig({
        dim: num("hidden_size"),
        hiddenDim: num("intermediate_size"),
        nHeads: heads,
        nKvHeads: num("num_key_value_heads", heads),
        nLayers: num("num_hidden_layers"),
        normEps: num("rms_norm_eps", 1e-6),
        ropeTheta: num("rope_theta", 10000),
        ...ropeScalingOf(c.rope_scaling, file),
        vocabSize: num("vocab_size"),
        maxSeqLen: num("max_position_embeddings", 2048),
        tieEmbeddings: c.tie_word_embeddings === true,
    });
}

/** config.json's rope_scaling ({rope_type | type, factor, ...}); default/null is none; unknown types are refused by name. */
function ropeScalingOf(value: unknown, file: string): { ropeScaling?: RopeScaling } {
    if (value === undefined || value === null) {
        return {};
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        throw new ConfigError(`${file}: rope_scaling`, "must be an object or null");
    }
    const r = value as Record<string, unknown>;
    const type = r.rope_type ?? r.type;
    const num = (key: string): number => {
        if (typeof r[key] !== "number") {
            throw new ConfigError(`${file}: rope_scaling.${key}`, `must be a number, got ${JSON.stringify(r[key])}`);
        }
        return r[key];
    };
    switch (type) {
        case "default":
            return {};
        case "linear":
        case "dynamic":
            return { ropeScaling: { type, factor: num("factor") } };
        case "llama3":
            return { ropeScaling: { type, factor: num("factor"), lowFreqFactor: num("low_freq_factor"), highFreqFactor: num("high_freq_factor"),
                originalMaxPositionEmbeddings: num("original_max_position_embeddings") } };
        default:
            throw new ConfigError(`${file}: rope_scaling.rope_type`, `"${String(type)}" is not supported (linear, dynamic, llama3)`);
    }
}

function toHfRopeScaling(s: RopeScaling): Record<string, unknown> {
    switch (s.type) {
        case "linear":
        case "dynamic":
            return { rope_type: s.type, factor: s.factor };
        case "llama3":
            return { rope_type: "llama3", factor: s.factor, low_freq_factor: s.lowFreqFactor, high_freq_factor: s.highFreqFactor,
                original_max_position_embeddings: s.originalMaxPositionEmbeddings };
        default:
            throw new ConfigError("ropeScaling", "per-frequency factors (from a GGUF's rope_freqs) have no config.json form; export from the source checkpoint");
    }
}
