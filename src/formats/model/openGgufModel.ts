/**
 * A llama GGUF file as a ModelSource: the config from llama.*, the tokenizer from tokenizer.ggml.*, tensors under
 * their Hugging Face names. q_proj and k_proj rows are moved back from the converter's rotary permutation as they
 * are read (a row is whole blocks of any type, so this is a byte move, no decoding). Before anything is allocated
 * the header's sizes are checked against the tensors the file actually holds (layer count, vocabulary, shapes are
 * checked again by loadWeights).
 */
import { GgufError } from "../gguf/GgufError.js";
import { GgufFile } from "../gguf/GgufFile.js";
import { GgmlType, type GgufTensorInfo } from "../gguf/ggufTypes.js";
import { ggufVocab, llamaConfigFromGguf } from "../gguf/llamaGguf.js";
import { validateConfig } from "../../model/LlamaConfig.js";
import { unpermuteQkFromGguf } from "../gguf/permuteQk.js";
import { STORAGE_TYPES } from "../quant/ggmlQuant.js";
import { ggufToHfName } from "../hfNames.js";
import { tokenizerFromGgufVocab } from "./ggufTokenizer.js";
import type { ModelSource, ModelTensor, TensorStorage } from "./ModelSource.js";

const STORAGE: Partial<Record<GgmlType, TensorStorage>> = Object.fromEntries(STORAGE_TYPES.map((t) => [t, GgmlType[t] as TensorStorage]));

/** Longest context a model may declare; far beyond any LLaMA (128k), small enough that no table sized by it is hostile. */
export const MAX_CONTEXT_LENGTH = 1 << 20;

export function openGgufModel(path: string): ModelSource {
    const gguf = GgufFile.open(path);
    try {
        let config = llamaConfigFromGguf(gguf);
        if (gguf.has("rope_freqs.weight")) {
            // llama.cpp's form of LLaMA-3.1 rope scaling: per-frequency divisors of inv_freq.
            const half = config.dim / config.nHeads / 2;
            if (gguf.info("rope_freqs.weight").dims.reduce((a, b) => a * b, 1) !== half) {
                throw new GgufError(path, "rope_freqs.weight", `must hold ${half} factors (half the head size)`);
            }
            config = validateConfig({ ...config, ropeScaling: { type: "factors", factors: Array.from(gguf.readF32("rope_freqs.weight")) } });
        }
        checkAgainstTensors(gguf, config.nLayers, config.vocabSize, config.maxSeqLen);
        const vocab = ggufVocab(gguf);
        if (vocab !== undefined && vocab.pieces.length !== config.vocabSize) {
            throw new GgufError(path, "tokenizer.ggml.tokens", `${vocab.pieces.length} pieces, but the model's vocabulary is ${config.vocabSize}`);
        }
        const tensors = new Map<string, ModelTensor>();
        let weightBytes = 0;
        for (const t of gguf.tensors) {
            const name = ggufToHfName(t.name);
            if (name === undefined) {
                continue; // rope_freqs and the like: derived data, not weights
            }
            const storage = STORAGE[t.type];
            if (storage === undefined) {
                throw new GgufError(path, `${t.name}.type`, `ggml type ${GgmlType[t.type]} is not supported (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)`);
            }
            const shape = [...t.dims].reverse();
            const heads = name.endsWith("self_attn.q_proj.weight") ? config.nHeads : name.endsWith("self_attn.k_proj.weight") ? config.nKvHeads : undefined;
            weightBytes += t.byteSize;
            tensors.set(name, {
                name, shape, storage, byteSize: t.byteSize,
                readBytes: (out) => heads === undefined ? gguf.readBytes(t.name, out) : unpermuteRows(gguf, t, heads, out),
                mapBytes: () => (heads === undefined ? gguf.mapBytes(t.name) : null),
                readF32: () => {
                    const w = gguf.readF32(t.name);
                    return heads === undefined ? w : unpermuteQkFromGguf(w, shape[0]!, shape[1] ?? 1, heads);
                },
            });
        }
        return {
            path, dir: path, format: "gguf", config,
            tokenizer: vocab === undefined ? null : tokenizerFromGgufVocab(vocab, path),
            chatTemplate: vocab?.chatTemplate, addBos: vocab?.addBos ?? true, addEos: vocab?.addEos ?? false, tensors, weightBytes,
            close: () => gguf.close(),
            [Symbol.dispose]: () => gguf.close(),
        };
    } catch (error) {
        gguf.close();
        throw error;
    }
}

/** The header's counts against what the tensors hold, so a hostile count is refused before it sizes anything. */
function checkAgainstTensors(gguf: GgufFile, nLayers: number, vocabSize: number, context: number): void {
    const layers = new Set<number>();
    for (const t of gguf.tensors) {
        const m = /^blk\.(\d+)\./.exec(t.name);
        if (m !== null) {
            layers.add(Number(m[1]));
        }
    }
    if (nLayers !== layers.size || (layers.size > 0 && Math.max(...layers) !== layers.size - 1)) {
        throw new GgufError(gguf.name, "llama.block_count", `${nLayers}, but the file holds tensors for ${layers.size} layers${layers.size > 0 ? ` (blk.0 to blk.${Math.max(...layers)})` : ""}`);
    }
    const embed = gguf.has("token_embd.weight") ? gguf.info("token_embd.weight") : undefined;
    if (embed === undefined) {
        throw new GgufError(gguf.name, "token_embd.weight", "missing");
    }
    if (embed.dims[1] !== vocabSize) {
        throw new GgufError(gguf.name, "llama.vocab_size", `${vocabSize}, but token_embd.weight holds ${embed.dims[1]} rows`);
    }
    if (context > MAX_CONTEXT_LENGTH) {
        throw new GgufError(gguf.name, "llama.context_length", `${context} is beyond the ${MAX_CONTEXT_LENGTH} tokens mellama accepts`);
    }
}

/** The stored rows of a q/k tensor in HF order: row r of the result is GGUF row order[r]. */
function unpermuteRows(gguf: GgufFile, t: GgufTensorInfo, heads: number, out?: Uint8Array): Uint8Array {
    const rows = t.dims[1] ?? 1;
    const stored = gguf.readBytes(t.name);
    const order = unpermuteQkFromGguf(Float32Array.from({ length: rows }, (_, i) => i), rows, 1, heads);
    const rowBytes = t.byteSize / rows;
    const dst = out === undefined ? new Uint8Array(t.byteSize) : out.subarray(0, t.byteSize);
    for (let r = 0; r < rows; r++) {
        dst.set(stored.subarray(order[r]! * rowBytes, (order[r]! + 1) * rowBytes), r * rowBytes);
    }
    return dst;
}
