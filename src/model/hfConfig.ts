/**
 * LlamaConfig <-> Hugging Face config.json of LlamaForCausalLM.
 */
import { ConfigError } from "../errors/MellamaError.js";
import { type LlamaConfig, validateConfig } from "./LlamaConfig.js";

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
        vocabSize: num("vocab_size"),
        maxSeqLen: num("max_position_embeddings", 2048),
        tieEmbeddings: c.tie_word_embeddings === true,
    });
}
