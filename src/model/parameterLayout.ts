/**
 * Every parameter tensor of a LLaMA model with its mellama name (STYLE.md), its Hugging Face name, its PyTorch
 * shape and its element count, in the order transformers writes them. `offset` is the tensor's position in a
 * concatenation of all of them (what AdamW's moment arenas and parameter counts use); LlamaModel keeps one array
 * per tensor.
 */
import { type LlamaConfig, kvDim } from "./LlamaConfig.js";

export type LayerParam = "inputLayernorm" | "qProj" | "kProj" | "vProj" | "oProj" | "postAttentionLayernorm"
    | "gateProj" | "upProj" | "downProj";

export interface ParameterSpec {
    /** mellama name: "embedTokens", "layers.3.qProj", "norm", "lmHead". */
    name: string;
    hfName: string;
    shape: number[];
    offset: number;
    size: number;
    /** Norm weights and embeddings get no weight decay by default. */
    kind: "embedding" | "norm" | "linear";
}

const HF_LAYER_NAMES: Record<LayerParam, string> = {
    inputLayernorm: "input_layernorm", qProj: "self_attn.q_proj", kProj: "self_attn.k_proj", vProj: "self_attn.v_proj",
    oProj: "self_attn.o_proj", postAttentionLayernorm: "post_attention_layernorm", gateProj: "mlp.gate_proj",
    upProj: "mlp.up_proj", downProj: "mlp.down_proj",
};

export function parameterLayout(config: LlamaConfig): ParameterSpec[] {
    const C = config.dim;
    const KV = kvDim(config);
    const H = config.hiddenDim;
    const out: ParameterSpec[] = [];
    let offset = 0;
    const add = (name: string, hfName: string, shape: number[], kind: ParameterSpec["kind"]): void => {
        const size = shape.reduce((a, b) => a * b, 1);
        out.push({ name, hfName, shape, offset, size, kind });
        offset += size;
    };
    add("embedTokens", "model.embed_tokens.weight", [config.vocabSize, C], "embedding");
    for (let l = 0; l < config.nLayers; l++) {
        const shapes: [LayerParam, number[], ParameterSpec["kind"]][] = [
            ["inputLayernorm", [C], "norm"], ["qProj", [C, C], "linear"], ["kProj", [KV, C], "linear"], ["vProj", [KV, C], "linear"],
            ["oProj", [C, C], "linear"], ["postAttentionLayernorm", [C], "norm"], ["gateProj", [H, C], "linear"],
            ["upProj", [H, C], "linear"], ["downProj", [C, H], "linear"],
        ];
        for (const [name, shape, kind] of shapes) {
            add(`layers.${l}.${name}`, `model.layers.${l}.${HF_LAYER_NAMES[name]}.weight`, shape, kind);
        }
    }
    add("norm", "model.norm.weight", [C], "norm");
    if (!config.tieEmbeddings) {
        add("lmHead", "lm_head.weight", [config.vocabSize, C], "linear");
    }
    return out;
}

export function parameterCount(config: LlamaConfig): number {
    const layout = parameterLayout(config);
    const last = layout[layout.length - 1]!;
    return last.offset + last.size;
}
