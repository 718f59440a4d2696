/**
 * LoraAdapter: a PEFT LoRA adapter held for inference beside an unmerged base model. For each adapted linear
 * layer it keeps A (r, in) and B (out, r) in F32 and the scale (alpha / r, or alpha / √r with use_rslora); the
 * session adds scale · B (A x) to that projection's output (LoraSidePath), whatever the base weight's storage
 * type. An adapter is small (r · (in + out) floats per adapted layer) and many can share one base.
 *
 * The modules adapted are the ones the file holds (PEFT loads weights by module name; target_modules only says
 * which modules PEFT created them for): each must be a LLaMA linear layer of this model with its shapes.
 */
import { FormatError } from "../../errors/MellamaError.js";
import { type PeftAdapter, readPeftAdapter } from "../../formats/peft/peftAdapter.js";
import { type LlamaConfig, kvDim } from "../LlamaConfig.js";
import type { LINEAR_NAMES } from "./InferenceWeights.js";

export type LinearName = (typeof LINEAR_NAMES)[number];

export interface LoraProjection {
    /** (r, inFeatures) row-major. */
    a: Float32Array;
    /** (outFeatures, r) row-major. */
    b: Float32Array;
    inFeatures: number;
    outFeatures: number;
}

const HF_LINEAR: Record<string, { group: string; name: LinearName }> = {
    q_proj: { group: "self_attn", name: "qProj" }, k_proj: { group: "self_attn", name: "kProj" }, v_proj: { group: "self_attn", name: "vProj" },
    o_proj: { group: "self_attn", name: "oProj" }, gate_proj: { group: "mlp", name: "gateProj" }, up_proj: { group: "mlp", name: "upProj" },
    down_proj: { group: "mlp", name: "downProj" },
};

export class LoraAdapter {
    /** The name it is served or reported under. */
    public readonly name: string;
    public readonly r: number;
    public readonly scale: number;
    /** layers[l][projection]: the adapted projections of layer l (absent ones are not adapted). */
    public readonly layers: readonly Partial<Record<LinearName, LoraProjection>>[];
    /** Bytes of A and B held. */
    public readonly bytes: number;
    private readonly shape: string;

    private constructor(name: string, r: number, scale: number, layers: Partial<Record<LinearName, LoraProjection>>[], config: LlamaConfig) {
        this.shape = shapeOf(config);
        this.name = name;
        this.r = r;
        this.scale = scale;
        this.layers = layers;
        this.bytes = layers.reduce((n, L) => n + Object.values(L).reduce((m, p) => m + p.a.byteLength + p.b.byteLength, 0), 0);
    }

    /** Whether this adapter was read for models of this shape (layers and every linear's sizes). */
    public fits(config: LlamaConfig): boolean {
        return shapeOf(config) === this.shape;
    }

    /** Reads a PEFT adapter directory (adapter_config.json + adapter_model.safetensors) for a model of `config`. */
    public static load(dir: string, config: LlamaConfig, name: string = dir): LoraAdapter {
        return LoraAdapter.fromPeft(readPeftAdapter(dir), config, `${dir}/adapter_model.safetensors`, name);
    }

    /** `source` names the adapter's file in errors. */
    public static fromPeft(peft: PeftAdapter, config: LlamaConfig, source: string, name: string): LoraAdapter {
        const dims: Record<LinearName, [number, number]> = {
            qProj: [config.dim, config.dim], kProj: [config.dim, kvDim(config)], vProj: [config.dim, kvDim(config)], oProj: [config.dim, config.dim],
            gateProj: [config.dim, config.hiddenDim], upProj: [config.dim, config.hiddenDim], downProj: [config.hiddenDim, config.dim],
        };
        const layers = Array.from({ length: config.nLayers }, (): Partial<Record<LinearName, LoraProjection>> => ({}));
        if (peft.pairs.length === 0) {
            throw new FormatError(source, "tensors", "the adapter holds no lora_A/lora_B pairs");
        }
        for (const p of peft.pairs) {
            const m = /^model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+)$/.exec(p.module);
            const linear = m === null ? undefined : HF_LINEAR[m[3]!];
            const l = m === null ? -1 : Number(m[1]);
            if (m === null || linear === undefined || linear.group !== m[2] || !(l < config.nLayers)) {
                throw new FormatError(source, p.module, `is not a linear layer of this ${config.nLayers}-layer LLaMA (model.layers.N.self_attn.q_proj|k_proj|v_proj|o_proj or model.layers.N.mlp.gate_proj|up_proj|down_proj)`);
            }
            const [inF, outF] = dims[linear.name];
            if (p.inFeatures !== inF || p.outFeatures !== outF) {
                throw new FormatError(source, p.module, `adapts a ${p.outFeatures}x${p.inFeatures} layer, the model's is ${outF}x${inF}`);
            }
            layers[l]![linear.name] = { a: p.a, b: p.b, inFeatures: inF, outFeatures: outF };
        }
        const scale = peft.useRslora === true ? peft.alpha / Math.sqrt(peft.r) : peft.alpha / peft.r;
        return new LoraAdapter(name, peft.r, scale, layers, config);
    }
}

function shapeOf(c: LlamaConfig): string {
    return `${c.nLayers}:${c.dim}:${kvDim(c)}:${c.hiddenDim}`;
}
