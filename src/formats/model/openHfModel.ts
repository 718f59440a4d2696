/**
 * A Hugging Face LLaMA directory (config.json + model.safetensors or index.json shards; F32/F16/BF16) as a
 * ModelSource, through the hardened HfCheckpoint reader (shard names confined to the directory, headers checked
 * before anything is allocated). F64 tensors are narrowed to F32 as they are read.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import { loadTokenizer } from "../../tokenizer/loadTokenizer.js";
import type { LoadedTokenizer } from "../../tokenizer/loadTokenizer.js";
import { HfCheckpoint } from "../hf/HfCheckpoint.js";
import { f32ToBytes } from "../safetensors/decodeTensor.js";
import type { ModelFormat, ModelSource, ModelTensor, TensorStorage } from "./ModelSource.js";

const MAX_TOKENIZER_CONFIG_BYTES = 64 * 1024 * 1024;

export function openHfModel(path: string, dir: string, format: ModelFormat): ModelSource {
    const hf = HfCheckpoint.open(dir);
    try {
        const tensors = new Map<string, ModelTensor>();
        let weightBytes = 0;
        for (const name of hf.tensorNames) {
            const info = hf.info(name);
            if (!["F32", "F16", "BF16", "F64"].includes(info.dtype)) {
                continue; // integer buffers some checkpoints carry; never a LLaMA weight (loadWeights names any missing one)
            }
            const storage: TensorStorage = info.dtype === "F16" || info.dtype === "BF16" ? info.dtype : "F32";
            const count = info.shape.reduce((a, b) => a * b, 1);
            const byteSize = info.dtype === "F64" ? count * 4 : info.end - info.begin;
            weightBytes += byteSize;
            tensors.set(name, {
                name, shape: info.shape, storage, byteSize,
                readBytes: (out) => {
                    if (info.dtype !== "F64") {
                        return hf.readBytes(name, out);
                    }
                    const bytes = f32ToBytes(hf.readF32(name), "F32");
                    out?.set(bytes);
                    return out ?? bytes;
                },
                mapBytes: () => (info.dtype === "F64" ? null : hf.mapBytes(name)),
                readF32: () => hf.readF32(name),
            });
        }
        const tc = tokenizerConfig(hf.dir);
        return {
            path, dir: hf.dir, format, config: hf.config, tokenizer: hfTokenizer(hf.dir), chatTemplate: chatTemplateOf(tc, join(hf.dir, "tokenizer_config.json")),
            addBos: tc.add_bos_token !== false, addEos: tc.add_eos_token === true, tensors, weightBytes,
            close: () => hf.close(),
            [Symbol.dispose]: () => hf.close(),
        };
    } catch (error) {
        hf.close();
        throw error;
    }
}

function hfTokenizer(dir: string): LoadedTokenizer | null {
    return ["tokenizer.model", "tokenizer.json"].some((f) => existsSync(join(dir, f))) ? loadTokenizer(dir) : null;
}

/** tokenizer_config.json as an object ({} when the directory has none). */
function tokenizerConfig(dir: string): Record<string, unknown> {
    const file = join(dir, "tokenizer_config.json");
    if (!existsSync(file)) {
        return {};
    }
    if (!statSync(file).isFile() || statSync(file).size > MAX_TOKENIZER_CONFIG_BYTES) {
        throw new FormatError(file, "size", "not a regular file of a plausible size");
    }
    let json: unknown;
    try {
        json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new FormatError(file, "json", `not valid JSON (${(error as Error).message})`);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
        throw new FormatError(file, "json", "must be a JSON object");
    }
    return json as Record<string, unknown>;
}

function chatTemplateOf(tc: Record<string, unknown>, file: string): string | undefined {
    const template = tc.chat_template;
    if (template === undefined || template === null) {
        return undefined;
    }
    if (typeof template === "string") {
        return template;
    }
    // transformers also writes a list of named templates; "default" is the one apply_chat_template uses.
    if (Array.isArray(template)) {
        const named = template.find((t: { name?: unknown }) => t?.name === "default") as { template?: unknown } | undefined;
        if (typeof named?.template === "string") {
            return named.template;
        }
    }
    throw new FormatError(file, "chat_template", "must be a string or a list of {name, template} with a \"default\"");
}
