/**
 * LoRA adapters in PEFT's on-disk layout: adapter_config.json and adapter_model.safetensors with tensors
 * `base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight` (r, in) and `…lora_B.weight` (out, r), so
 * `PeftModel.from_pretrained(base, dir)` loads what mellama trains, and the reverse.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import { readF32Safetensors, writeF32Safetensors } from "../../formats/checkpoint/trainingState.js";
import type { LlamaModel } from "../LlamaModel.js";
import { ALL_LORA_TARGETS, LoraAdapters, type LoraTarget, PEFT_MODULE_NAMES } from "./LoraAdapters.js";

export interface PeftAdapterConfig {
    peft_type: "LORA";
    task_type: "CAUSAL_LM";
    r: number;
    lora_alpha: number;
    lora_dropout: number;
    target_modules: string[];
    bias: "none";
    fan_in_fan_out: false;
    inference_mode: boolean;
    base_model_name_or_path: string | null;
    [key: string]: unknown;
}

export function saveLoraAdapter(dir: string, adapters: LoraAdapters, baseModel: string | null = null): void {
    const config: PeftAdapterConfig = {
        peft_type: "LORA", task_type: "CAUSAL_LM", r: adapters.options.r, lora_alpha: adapters.options.alpha,
        lora_dropout: adapters.options.dropout, target_modules: adapters.options.targets.map((t) => PEFT_MODULE_NAMES[t]),
        bias: "none", fan_in_fan_out: false, inference_mode: true, base_model_name_or_path: baseModel,
        modules_to_save: null, init_lora_weights: true, use_rslora: false, layers_to_transform: null,
    };
    writeFileSync(join(dir, "adapter_config.json"), `${JSON.stringify(config, null, 2)}\n`);
    const r = adapters.options.r;
    writeF32Safetensors(join(dir, "adapter_model.safetensors"), adapters.tensors.flatMap((t) => [
        { name: `${t.peftModule}.lora_A.weight`, data: adapters.params.subarray(t.aOffset, t.aOffset + r * t.inFeatures), shape: [r, t.inFeatures] },
        { name: `${t.peftModule}.lora_B.weight`, data: adapters.params.subarray(t.bOffset, t.bOffset + t.outFeatures * r), shape: [t.outFeatures, r] },
    ]), { format: "pt" });
}

/** Attaches the adapter saved in `dir` to `model` (base frozen). */
export function loadLoraAdapter(dir: string, model: LlamaModel): LoraAdapters {
    const configPath = join(dir, "adapter_config.json");
    if (!existsSync(configPath)) {
        throw new FormatError(configPath, "file", "no adapter_config.json: not a PEFT adapter directory");
    }
    const config = JSON.parse(readFileSync(configPath, "utf8")) as Partial<PeftAdapterConfig>;
    if (config.peft_type !== "LORA") {
        throw new FormatError(configPath, "peft_type", `"${String(config.peft_type)}" is not LORA`);
    }
    const byPeft = new Map(Object.entries(PEFT_MODULE_NAMES).map(([k, v]) => [v, k as LoraTarget]));
    const targets = (config.target_modules ?? []).map((m) => {
        const t = byPeft.get(m);
        if (t === undefined) {
            throw new FormatError(configPath, "target_modules", `"${m}" is not a LLaMA linear layer (${ALL_LORA_TARGETS.map((x) => PEFT_MODULE_NAMES[x]).join(", ")})`);
        }
        return t;
    });
    const adapters = LoraAdapters.attach(model, { r: Number(config.r), alpha: Number(config.lora_alpha), dropout: 0, targets, seed: 0 });
    adapters.training = false;
    const tensors = readF32Safetensors(join(dir, "adapter_model.safetensors"));
    const r = adapters.options.r;
    for (const t of adapters.tensors) {
        for (const [which, offset, size] of [["A", t.aOffset, r * t.inFeatures], ["B", t.bOffset, t.outFeatures * r]] as const) {
            const name = `${t.peftModule}.lora_${which}.weight`;
            const data = tensors.get(name) ?? tensors.get(name.replace(".weight", ".default.weight"));
            if (data === undefined || data.length !== size) {
                throw new FormatError(join(dir, "adapter_model.safetensors"), name, data === undefined ? "missing" : `has ${data.length} values, expected ${size}`);
            }
            adapters.params.set(data, offset);
        }
    }
    return adapters;
}

/** Folds the adapters into the base weights (W += alpha/r · B A) and detaches them: a plain LLaMA again. */
export function mergeLora(model: LlamaModel, adapters: LoraAdapters): void {
    const r = adapters.options.r;
    for (const t of adapters.tensors) {
        const w = model.tensor(`layers.${t.layer}.${t.target}`);
        const a = adapters.params.subarray(t.aOffset, t.aOffset + r * t.inFeatures);
        const b = adapters.params.subarray(t.bOffset, t.bOffset + t.outFeatures * r);
        for (let o = 0; o < t.outFeatures; o++) {
            for (let c = 0; c < t.inFeatures; c++) {
                let acc = 0;
                for (let k = 0; k < r; k++) {
                    acc += b[o * r + k]! * a[k * t.inFeatures + c]!;
                }
                w[o * t.inFeatures + c] = w[o * t.inFeatures + c]! + adapters.scale * acc;
            }
        }
    }
    model.lora = null;
    model.frozenBase = false;
}
