/**
 * Tensor names: Hugging Face LLaMA checkpoint names <-> the names llama.cpp's convert_hf_to_gguf.py writes into
 * GGUF (gguf-py's tensor_mapping for MODEL_ARCH.LLAMA). The mellama <-> HF names live with the parameter layout
 * (model/parameterLayout.ts); this is the one table for the GGUF side.
 */

const LAYER_HF_TO_GGUF: Readonly<Record<string, string>> = {
    "input_layernorm": "attn_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "post_attention_layernorm": "ffn_norm",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
};

const LAYER_GGUF_TO_HF: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LAYER_HF_TO_GGUF).map(([k, v]) => [v, k]));

const GLOBAL_HF_TO_GGUF: Readonly<Record<string, string>> = {
    "model.embed_tokens": "token_embd",
    "model.norm": "output_norm",
    "lm_head": "output",
};

const GLOBAL_GGUF_TO_HF: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(GLOBAL_HF_TO_GGUF).map(([k, v]) => [v, k]));

/** Splits "<module>.<suffix>" where suffix is "weight" or "weight.lora_a" etc. */
function splitSuffix(name: string, marker: string): [string, string] | undefined {
    const i = name.lastIndexOf(marker);
    return i < 0 ? undefined : [name.slice(0, i), name.slice(i)];
}

/** "model.layers.3.self_attn.q_proj.weight" -> "blk.3.attn_q.weight"; undefined for a name llama.cpp does not use. */
export function hfToGgufName(hf: string): string | undefined {
    const parts = splitSuffix(hf, ".weight");
    if (parts === undefined) {
        return undefined;
    }
    const [module, suffix] = parts;
    const global = GLOBAL_HF_TO_GGUF[module];
    if (global !== undefined) {
        return global + suffix;
    }
    const m = /^model\.layers\.(\d+)\.(.+)$/.exec(module);
    const layer = m === null ? undefined : LAYER_HF_TO_GGUF[m[2]!];
    return layer === undefined ? undefined : `blk.${m![1]}.${layer}${suffix}`;
}

/** The inverse of hfToGgufName. */
export function ggufToHfName(gguf: string): string | undefined {
    const parts = splitSuffix(gguf, ".weight");
    if (parts === undefined) {
        return undefined;
    }
    const [module, suffix] = parts;
    const global = GLOBAL_GGUF_TO_HF[module];
    if (global !== undefined) {
        return global + suffix;
    }
    const m = /^blk\.(\d+)\.(.+)$/.exec(module);
    const layer = m === null ? undefined : LAYER_GGUF_TO_HF[m[2]!];
    return layer === undefined ? undefined : `model.layers.${m![1]}.${layer}${suffix}`;
}
