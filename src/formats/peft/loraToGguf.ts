/**
 * A PEFT LoRA adapter as a GGUF LoRA adapter the way llama.cpp's convert_lora_to_gguf.py writes one, so
 * `llama-cli --lora` / node-llama-cpp load it: general.architecture llama, general.type "adapter",
 * adapter.type "lora", adapter.lora.alpha (f32); tensors `blk.N.attn_q.weight.lora_a` (PyTorch (r, in), GGUF dims
 * [in, r]) and `.lora_b` ((out, r), dims [r, out]). The q/k row permutation acts on output rows, so it applies to
 * lora_b only (q with n_head, k with n_head_kv), exactly as it does to the base weight.
 */
import { ConfigError } from "../../errors/MellamaError.js";
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import { GgmlType, type GgufValue, GgufValueType } from "../gguf/ggufTypes.js";
import { permuteQkToGguf } from "../gguf/permuteQk.js";
import { type GgufTensorInput, writeGguf } from "../gguf/writeGguf.js";
import { hfToGgufName } from "../hfNames.js";
import { f32ArrayToBf16, f32ArrayToF16 } from "../quant/halfFloat.js";
import type { PeftAdapter } from "./peftAdapter.js";

export interface ExportLoraGgufOptions {
    adapter: PeftAdapter;
    /** The base model's shape (for the q/k permutation). */
    config: LlamaConfig;
    out: string;
    type?: "f32" | "f16" | "bf16";
    name?: string;
}

export function exportLoraGguf({ adapter, config, out, type = "f16", name = "lora" }: ExportLoraGgufOptions): void {
    const ggml = { f32: GgmlType.F32, f16: GgmlType.F16, bf16: GgmlType.BF16 }[type];
    const encode = (w: Float32Array): Uint8Array => type === "f32" ? new Uint8Array(w.buffer, w.byteOffset, w.byteLength)
        : new Uint8Array((type === "f16" ? f32ArrayToF16(w) : f32ArrayToBf16(w)).buffer);
    const tensors: GgufTensorInput[] = [];
    for (const p of adapter.pairs) {
        const base = hfToGgufName(`${p.module}.weight`);
        if (base === undefined) {
            throw new ConfigError(`adapter.${p.module}`, "has no llama.cpp tensor name");
        }
        const heads = p.module.endsWith("q_proj") ? config.nHeads : p.module.endsWith("k_proj") ? config.nKvHeads : undefined;
        tensors.push({ name: `${base}.lora_a`, type: ggml, dims: [p.inFeatures, adapter.r], data: () => encode(p.a) });
        tensors.push({
            name: `${base}.lora_b`, type: ggml, dims: [adapter.r, p.outFeatures],
            data: () => encode(heads === undefined ? p.b : permuteQkToGguf(p.b, p.outFeatures, adapter.r, heads)),
        });
    }
    const metadata = new Map<string, GgufValue>([
        ["general.architecture", { type: GgufValueType.STRING, value: "llama" }],
        ["general.type", { type: GgufValueType.STRING, value: "adapter" }],
        ["general.name", { type: GgufValueType.STRING, value: name }],
        ["adapter.type", { type: GgufValueType.STRING, value: "lora" }],
        ["adapter.lora.alpha", { type: GgufValueType.FLOAT32, value: Math.fround(adapter.alpha) }],
        ["general.quantization_version", { type: GgufValueType.UINT32, value: 2 }],
    ]);
    writeGguf(out, { metadata, tensors });
}
