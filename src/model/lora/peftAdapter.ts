/**
 * LoRA adapters in PEFT's on-disk layout, through the one PEFT reader and writer (formats/peft/peftAdapter.ts):
 * adapter_config.json and adapter_model.safetensors with `base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight`
 * (r, in) and `…lora_B.weight` (out, r), so `PeftModel.from_pretrained(base, dir)` loads what mellama trains, and
 * the reverse. This file only maps those modules onto a LlamaModel's LoraAdapters.
 */
import { join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import { PEFT_PREFIX, readPeftAdapter, writePeftAdapter } from "../../formats/peft/peftAdapter.js";
import type { LlamaModel } from "../LlamaModel.js";
import { ALL_LORA_TARGETS, LoraAdapters, type LoraTarget, PEFT_MODULE_NAMES } from "./LoraAdapters.js";

export function saveLoraAdapter(dir: string, adapters: LoraAdapters, baseModel: string | null = null): void {
    const r = adapters.options.r;
    writePeftAdapter(dir, {
        r, alpha: adapters.options.alpha, ...(adapters.options.rslora === true ? { useRslora: true } : {}), dropout: adapters.options.dropout, baseModel,
        targetModules: adapters.options.targets.map((t) => PEFT_MODULE_NAMES[t]),
        pairs: adapters.tensors.map((t) => ({
            module: t.peftModule.slice(PEFT_PREFIX.length), inFeatures: t.inFeatures, outFeatures: t.outFeatures,
            a: adapters.params.subarray(t.aOffset, t.aOffset + r * t.inFeatures), b: adapters.params.subarray(t.bOffset, t.bOffset + t.outFeatures * r),
        })),
    });
}

/** Attaches the adapter saved in `dir` to `model` (base frozen). */
export function loadLoraAdapter(dir: string, model: LlamaModel): LoraAdapters {
    const peft = readPeftAdapter(dir);
    const configPath = join(dir, "adapter_config.json");
    const byPeft = new Map(Object.entries(PEFT_MODULE_NAMES).map(([k, v]) => [v, k as LoraTarget]));
    const targets = peft.targetModules.map((m) => {
        const t = byPeft.get(m);
        if (t === undefined) {
            throw new FormatError(configPath, "target_modules", `"${m}" is not a LLaMA linear layer (${ALL_LORA_TARGETS.map((x) => PEFT_MODULE_NAMES[x]).join(", ")})`);
        }
        return t;
    });
    const adapters = LoraAdapters.attach(model, { r: peft.r, alpha: peft.alpha, dropout: 0, targets, seed: 0, rslora: peft.useRslora === true });
    adapters.training = false;
    const pairs = new Map(peft.pairs.map((p) => [p.module, p]));
    const stPath = join(dir, "adapter_model.safetensors");
    for (const t of adapters.tensors) {
        const module = t.peftModule.slice(PEFT_PREFIX.length);
        const pair = pairs.get(module);
        if (pair === undefined) {
            throw new FormatError(stPath, module, "missing: target_modules names it but the file holds no lora_A/lora_B for it");
        }
        if (pair.inFeatures !== t.inFeatures || pair.outFeatures !== t.outFeatures) {
            throw new FormatError(stPath, module, `adapts a ${pair.outFeatures}x${pair.inFeatures} layer, the model's is ${t.outFeatures}x${t.inFeatures}`);
        }
        adapters.params.set(pair.a, t.aOffset);
        adapters.params.set(pair.b, t.bOffset);
        pairs.delete(module);
    }
    const extra = pairs.keys().next();
    if (!extra.done) {
        throw new FormatError(stPath, extra.value, "is not a module of this model, or not in target_modules");
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
