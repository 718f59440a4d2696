/**
 * inspectModel: what a model file holds, without reading tensor data: format, metadata, each tensor's name,
 * shape and dtype, the parameter count and (for HF directories and llama GGUFs) the LlamaConfig. Works on a
 * .safetensors file, a .gguf file or a Hugging Face checkpoint directory.
 */
import { statSync } from "node:fs";
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import { GgufFile } from "../gguf/GgufFile.js";
import { GgmlType, type GgufValue, GgufValueType } from "../gguf/ggufTypes.js";
import { llamaConfigFromGguf } from "../gguf/llamaGguf.js";
import { SafetensorsFile } from "../safetensors/SafetensorsFile.js";
import { isGgufFile } from "../model/openModel.js";
import { HfCheckpoint } from "./HfCheckpoint.js";

export interface InspectedTensor {
    name: string;
    /** PyTorch order (slowest first) for every format; GGUF dims are reversed to match. */
    shape: number[];
    dtype: string;
}

export interface ModelInspection {
    format: "safetensors" | "gguf" | "hf";
    path: string;
    metadata: Record<string, unknown>;
    tensors: InspectedTensor[];
    parameterCount: number;
    config?: LlamaConfig;
}

export interface InspectModelOptions {
    path: string;
    /** Arrays longer than this in GGUF metadata are summarised (the vocabulary is 32000 strings). */
    maxArrayItems?: number;
}

const count = (tensors: readonly InspectedTensor[]): number => tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);

function ggufJson(v: GgufValue, maxArrayItems: number): unknown {
    const plain = (x: unknown): unknown => (typeof x === "bigint" ? x.toString() : x);
    if (v.type !== GgufValueType.ARRAY) {
        return plain(v.value);
    }
    if (v.value.length <= maxArrayItems) {
        return v.value.map(plain);
    }
    return `[${v.value.length} × ${GgufValueType[v.itemType]}: ${v.value.slice(0, 3).map((x) => JSON.stringify(plain(x))).join(", ")}, …]`;
}

export function inspectModel({ path, maxArrayItems = 16 }: InspectModelOptions): ModelInspection {
    if (isGgufFile(path)) {
        using g = GgufFile.open(path);
        const tensors = g.tensors.map((t) => ({ name: t.name, shape: [...t.dims].reverse(), dtype: GgmlType[t.type] }));
        const metadata = Object.fromEntries([...g.metadata].map(([k, v]) => [k, ggufJson(v, maxArrayItems)]));
        const config = g.scalar("general.architecture") === "llama" ? llamaConfigFromGguf(g) : undefined;
        return { format: "gguf", path, metadata: { "gguf.version": g.header.version, ...metadata }, tensors, parameterCount: count(tensors), ...(config ? { config } : {}) };
    }
    if (statSync(path).isDirectory()) {
        using hf = HfCheckpoint.open(path);
        const tensors = hf.tensorNames.map((n) => ({ name: n, shape: hf.info(n).shape, dtype: hf.info(n).dtype }));
        return { format: "hf", path, metadata: hf.rawConfig, tensors, parameterCount: count(tensors), config: hf.config };
    }
    using st = SafetensorsFile.open(path);
    const tensors = st.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype }));
    return { format: "safetensors", path, metadata: { ...st.metadata }, tensors, parameterCount: count(tensors) };
}

/** A human-readable summary, one tensor per line. */
export function formatInspection(r: ModelInspection): string {
    const lines = [`${r.path}: ${r.format}, ${r.tensors.length} tensors, ${r.parameterCount.toLocaleString("en-US")} parameters`];
    if (r.config !== undefined) {
        lines.push(`config: ${JSON.stringify(r.config)}`);
    }
    for (const [k, v] of Object.entries(r.metadata)) {
        lines.push(`  ${k} = ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
    for (const t of r.tensors) {
        lines.push(`  ${t.name.padEnd(48)} ${t.dtype.padEnd(5)} [${t.shape.join(", ")}]`);
    }
    return `${lines.join("\n")}\n`;
}
