/**
 * Writes a Hugging Face LLaMA checkpoint directory: config.json, generation_config.json, model.safetensors (or
 * shards model-0000i-of-0000n.safetensors of at most `maxShardBytes` each plus model.safetensors.index.json with
 * metadata.total_size and weight_map, as transformers' save_pretrained does), and the tokenizer files. Tensors are
 * produced one at a time by their callbacks and converted to the target dtype as they are written. A copied
 * tokenizer_config.json gets the model's real context as model_max_length and, when given, the chat template.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import { toHfConfig } from "../../model/hfConfig.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import { SAFETENSORS_DTYPE_BYTES } from "../safetensors/dtypes.js";
import { type FloatDtype, f32ToBytes } from "../safetensors/decodeTensor.js";
import { writeSafetensors } from "../safetensors/writeSafetensors.js";
import { writeTokenizerConfig } from "../../tokenizer/writeTokenizerConfig.js";
import { INDEX_FILE } from "./HfCheckpoint.js";

export interface HfTensorSource {
    /** Hugging Face name. */
    name: string;
    /** PyTorch shape. */
    shape: readonly number[];
    data: () => Float32Array;
}

export interface WriteHfCheckpointOptions {
    dir: string;
    config: LlamaConfig;
    tensors: readonly HfTensorSource[];
    dtype?: FloatDtype;
    /** transformers' default max_shard_size is 5 GB; one shard when everything fits. */
    maxShardBytes?: number;
    bosTokenId?: number;
    eosTokenId?: number;
    /** Files copied into the directory as they are (tokenizer.model, tokenizer.json, ...). */
    copyFiles?: readonly string[];
    /** Written into tokenizer_config.json as chat_template (kept from the copied file when absent). */
    chatTemplate?: string;
}

const TORCH_DTYPE: Record<FloatDtype, string> = { F32: "float32", F16: "float16", BF16: "bfloat16" };

export function writeHfCheckpoint({
    dir, config, tensors, dtype = "F32", maxShardBytes = 5_000_000_000, bosTokenId, eosTokenId, copyFiles = [], chatTemplate,
}: WriteHfCheckpointOptions): string[] {
    mkdirSync(dir, { recursive: true });
    const size = (t: HfTensorSource): number => t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[dtype];
    const shards: HfTensorSource[][] = [[]];
    let current = 0;
    for (const t of tensors) {
        if (current > 0 && current + size(t) > maxShardBytes) {
            shards.push([]);
            current = 0;
        }
        shards[shards.length - 1]!.push(t);
        current += size(t);
    }
    const n = shards.length;
    const names = n === 1 ? ["model.safetensors"]
        : shards.map((_, i) => `model-${String(i + 1).padStart(5, "0")}-of-${String(n).padStart(5, "0")}.safetensors`);
    const weightMap: Record<string, string> = {};
    shards.forEach((shard, i) => {
        writeSafetensors(join(dir, names[i]!), {
            metadata: { format: "pt" },
            tensors: shard.map((t) => {
                weightMap[t.name] = names[i]!;
                return { name: t.name, dtype, shape: t.shape, data: () => f32ToBytes(t.data(), dtype) };
            }),
        });
    });
    const written = names.map((f) => join(dir, f));
    const json = (name: string, value: unknown): void => {
        atomicWriteFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
        written.push(join(dir, name));
    };
    if (n > 1) {
        json(INDEX_FILE, { metadata: { total_size: tensors.reduce((a, t) => a + size(t), 0) }, weight_map: weightMap });
    }
    json("config.json", toHfConfig(config, { torchDtype: TORCH_DTYPE[dtype], bosTokenId, eosTokenId }));
    json("generation_config.json", {
        _from_model_config: true,
        ...(bosTokenId === undefined ? {} : { bos_token_id: bosTokenId }),
        ...(eosTokenId === undefined ? {} : { eos_token_id: eosTokenId }),
    });
    for (const file of copyFiles) {
        // Rewriting a checkpoint in place (same directory) leaves its tokenizer files where they are.
        if (basename(file) === "tokenizer_config.json") {
            writeTokenizerConfig(join(dir, "tokenizer_config.json"), { from: file, modelMaxLength: config.maxSeqLen, chatTemplate });
            written.push(join(dir, basename(file)));
        } else if (existsSync(file) && resolve(file) !== resolve(join(dir, basename(file)))) {
            copyFileSync(file, join(dir, basename(file)));
            written.push(join(dir, basename(file)));
        }
    }
    return written;
}
