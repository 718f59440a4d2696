/**
 * The PEFT LoRA adapter layout on disk, independent of the engine: adapter_config.json (peft_type LORA, r,
 * lora_alpha, target_modules, ...) and adapter_model.safetensors with `base_model.model.<module>.lora_A.weight`
 * (r, in) and `...lora_B.weight` (out, r) per adapted Linear, `<module>` a Hugging Face name such as
 * `model.layers.3.self_attn.q_proj`. Read validates config fields and every pair's shapes; write is atomic.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import { f32ToBytes } from "../safetensors/decodeTensor.js";
import { SafetensorsFile } from "../safetensors/SafetensorsFile.js";
import { writeSafetensors } from "../safetensors/writeSafetensors.js";

export const PEFT_PREFIX = "base_model.model.";

export interface LoraPair {
    /** HF module name, e.g. "model.layers.0.self_attn.q_proj". */
    module: string;
    inFeatures: number;
    outFeatures: number;
    /** (r, in) row-major. */
    a: Float32Array;
    /** (out, r) row-major. */
    b: Float32Array;
}

export interface PeftAdapter {
    r: number;
    alpha: number;
    /** use_rslora: the scale is alpha / √r instead of alpha / r (Kalajdzievski 2023); absent means false. */
    useRslora?: boolean;
    dropout: number;
    targetModules: string[];
    baseModel: string | null;
    pairs: LoraPair[];
}

export function writePeftAdapter(dir: string, adapter: PeftAdapter): void {
    mkdirSync(dir, { recursive: true });
    writeSafetensors(join(dir, "adapter_model.safetensors"), {
        metadata: { format: "pt" },
        tensors: adapter.pairs.flatMap((p) => [
            { name: `${PEFT_PREFIX}${p.module}.lora_A.weight`, dtype: "F32" as const, shape: [adapter.r, p.inFeatures], data: f32ToBytes(p.a, "F32") },
            { name: `${PEFT_PREFIX}${p.module}.lora_B.weight`, dtype: "F32" as const, shape: [p.outFeatures, adapter.r], data: f32ToBytes(p.b, "F32") },
        ]),
    });
    atomicWriteFileSync(join(dir, "adapter_config.json"), `${JSON.stringify({
        peft_type: "LORA", task_type: "CAUSAL_LM", r: adapter.r, lora_alpha: adapter.alpha, lora_dropout: adapter.dropout,
        target_modules: adapter.targetModules, bias: "none", fan_in_fan_out: false, inference_mode: true,
        base_model_name_or_path: adapter.baseModel, modules_to_save: null, init_lora_weights: true, use_rslora: adapter.useRslora === true,
    }, null, 2)}\n`);
}

export function readPeftAdapter(dir: string): PeftAdapter {
    const configPath = join(dir, "adapter_config.json");
    if (!existsSync(configPath)) {
        throw new FormatError(configPath, "file", "missing: not a PEFT adapter directory");
    }
    if (!statSync(configPath).isFile() || statSync(configPath).size > 16 * 1024 * 1024) {
        throw new FormatError(configPath, "file", "not a regular file of a plausible size");
    }
    let c: Record<string, unknown>;
    try {
        c = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
    } catch (error) {
        throw new FormatError(configPath, "json", `not valid JSON (${(error as Error).message})`);
    }
    if (c === null || typeof c !== "object" || Array.isArray(c)) {
        throw new FormatError(configPath, "json", "must be an object");
    }
    if (c.peft_type !== "LORA") {
        throw new FormatError(configPath, "peft_type", `${JSON.stringify(c.peft_type)} is not "LORA"`);
    }
    const r = c.r;
    if (typeof r !== "number" || !Number.isSafeInteger(r) || r <= 0) {
        throw new FormatError(configPath, "r", `must be a positive integer, got ${JSON.stringify(r)}`);
    }
    if (typeof c.lora_alpha !== "number" || !Number.isFinite(c.lora_alpha)) {
        throw new FormatError(configPath, "lora_alpha", `must be a number, got ${JSON.stringify(c.lora_alpha)}`);
    }
    if (c.use_rslora !== undefined && c.use_rslora !== null && typeof c.use_rslora !== "boolean") {
        throw new FormatError(configPath, "use_rslora", `must be true or false, got ${JSON.stringify(c.use_rslora)}`);
    }
    // Each of these changes what the adapter computes; refused rather than applied wrongly.
    for (const [field, plain] of [["use_dora", false], ["fan_in_fan_out", false]] as const) {
        if (c[field] !== undefined && c[field] !== null && c[field] !== plain) {
            throw new FormatError(configPath, field, `${JSON.stringify(c[field])} is not supported (plain LoRA only)`);
        }
    }
    if (c.layers_to_transform !== undefined && c.layers_to_transform !== null) {
        throw new FormatError(configPath, "layers_to_transform", "is not supported: the adapter must cover every layer of its target modules");
    }
    if (c.bias !== undefined && c.bias !== null && c.bias !== "none") {
        throw new FormatError(configPath, "bias", `${JSON.stringify(c.bias)} is not supported (LLaMA linears have no bias)`);
    }
    const targets = Array.isArray(c.target_modules) ? c.target_modules.map(String) : typeof c.target_modules === "string" ? [c.target_modules] : [];
    const stPath = join(dir, "adapter_model.safetensors");
    if (!existsSync(stPath)) {
        throw new FormatError(stPath, "file", "missing (adapter_model.bin is not read: convert it to safetensors)");
    }
    using st = SafetensorsFile.open(stPath);
    const modules = new Map<string, { a?: string; b?: string }>();
    for (const t of st.tensors) {
        const m = /^base_model\.model\.(.+)\.lora_([AB])(?:\.default)?\.weight$/.exec(t.name);
        if (m === null) {
            throw new FormatError(stPath, t.name, "is not a LoRA tensor name (base_model.model.<module>.lora_A|lora_B.weight)");
        }
        const entry = modules.get(m[1]!) ?? {};
        entry[m[2] === "A" ? "a" : "b"] = t.name;
        modules.set(m[1]!, entry);
    }
    const pairs: LoraPair[] = [];
    for (const [module, { a, b }] of modules) {
        if (a === undefined || b === undefined) {
            throw new FormatError(stPath, module, `has lora_${a === undefined ? "A" : "B"} missing`);
        }
        const [ar, inF] = st.info(a).shape;
        const [outF, br] = st.info(b).shape;
        if (st.info(a).shape.length !== 2 || st.info(b).shape.length !== 2 || ar !== r || br !== r) {
            throw new FormatError(stPath, module, `lora_A ${JSON.stringify(st.info(a).shape)} and lora_B ${JSON.stringify(st.info(b).shape)} are not (r, in) and (out, r) with r = ${r}`);
        }
        pairs.push({ module, inFeatures: inF!, outFeatures: outF!, a: st.readF32(a), b: st.readF32(b) });
    }
    const dropout = typeof c.lora_dropout === "number" ? c.lora_dropout : 0;
    const baseModel = typeof c.base_model_name_or_path === "string" ? c.base_model_name_or_path : null;
    return { r, alpha: c.lora_alpha, ...(c.use_rslora === true ? { useRslora: true } : {}), dropout, targetModules: targets, baseModel, pairs };
}
