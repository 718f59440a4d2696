/**
 * Random-weight LLaMA checkpoints at real sizes for bench:infer, written tensor by tensor through the project's
 * streaming writers (writeGguf's lazy `data` callbacks, writeHfCheckpoint's lazy F32 callbacks): one tensor, its
 * permuted copy and its encoded bytes are in memory at a time, never the model.
 *
 * Every weight is k * 2^-12 with k a random integer in [-128, 127] (std about 0.018, like a 0.02 init): such values
 * are exact in F16 and BF16, so the F16 GGUF and the BF16 Hugging Face directory of one shape hold the SAME weights
 * (and Q8_0 holds them up to its per-block scale rounding). Q4_K_M and Q4_0 files use llama.cpp's per-tensor type
 * mixture, as `mellama export --type q4_k_m` does, but their 4- to 6-bit tensors are not quantized whole: ggml's
 * scale searches cost minutes per 7B file even in native code, which measures nothing the bench is about. Each
 * such tensor is made of blocks drawn at random from a pool of 1024 blocks quantized from the same random values,
 * so every block is a real quantizer output and the file decodes to weights of the same scale.
 * Each tensor's values come from a xorshift32 stream
 * seeded by its Hugging Face name, in HF layout; GGUF q/k rows then get llama.cpp's converter permutation
 * (permuteQkToGguf), as exportModel does, so the GGUF is a valid llama GGUF of the same model. Norms are 1.
 * With this scale the final logits have a std of about 1, so top-2 margins are neither ties nor one-hot.
 *
 * Not a model initializer (LlamaModel.initWeights is); only for timing and memory measurements.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { GgufVocab } from "../../src/formats/gguf/llamaGguf.js";
import { llamaGgufMetadata } from "../../src/formats/gguf/llamaGguf.js";
import { permuteQkToGguf } from "../../src/formats/gguf/permuteQk.js";
import { type GgufTensorInput, writeGguf } from "../../src/formats/gguf/writeGguf.js";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { hfToGgufName } from "../../src/formats/hfNames.js";
import { type FileTypeName, tensorTypeFor } from "../../src/formats/gguf/quantMixture.js";
import { GGML_BLOCK, GgmlType } from "../../src/formats/gguf/ggufTypes.js";
import { ggmlRowBytes, quantizeGgml, type StorageType } from "../../src/formats/quant/ggmlQuant.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { createProgress } from "../../src/util/progress.js";

export type RandomFileKind = "gguf-q8_0" | "gguf-f16" | "hf-bf16" | "gguf-q4_k_m" | "gguf-q4_0";

/** What a weight of each kind stores (the quantized kinds: llama.cpp's file type, a per-tensor mixture). */
export const STORAGE: Record<RandomFileKind, "Q8_0" | "F16" | "BF16" | "Q4_K_M" | "Q4_0"> = {
    "gguf-q8_0": "Q8_0", "gguf-f16": "F16", "hf-bf16": "BF16", "gguf-q4_k_m": "Q4_K_M", "gguf-q4_0": "Q4_0",
};

/** The GGUF file type of a kind (gguf/quantMixture.ts picks each tensor's type from it). */
function fileTypeOf(kind: RandomFileKind): FileTypeName {
    return kind === "gguf-q4_k_m" ? "q4_k_m" : kind === "gguf-q4_0" ? "q4_0" : kind === "gguf-q8_0" ? "q8_0" : "f16";
}

/** The GGML type of one tensor in a GGUF of this kind (llama.cpp's mixture for the quantized kinds). */
function ggmlTypeOf(t: TensorSpec, kind: RandomFileKind, c: LlamaConfig): StorageType {
    const name = hfToGgufName(t.name) ?? t.name;
    return tensorTypeFor(fileTypeOf(kind), name, [...t.shape].reverse(), { nLayers: c.nLayers, nGqa: c.nHeads / c.nKvHeads, tiedOutput: false }) as StorageType;
}

interface TensorSpec {
    /** Hugging Face name. */
    name: string;
    /** PyTorch shape (rows, cols) or (n). */
    shape: readonly number[];
    role: "embed" | "linear" | "lmHead" | "norm";
}

/** The tensors of a LLaMA checkpoint in the order transformers writes them (untied lm_head). */
export function llamaTensorSpecs(c: LlamaConfig): TensorSpec[] {
    const hd = c.dim / c.nHeads;
    const specs: TensorSpec[] = [{ name: "model.embed_tokens.weight", shape: [c.vocabSize, c.dim], role: "embed" }];
    for (let l = 0; l < c.nLayers; l++) {
        const p = `model.layers.${l}`;
        specs.push(
            { name: `${p}.self_attn.q_proj.weight`, shape: [c.nHeads * hd, c.dim], role: "linear" },
            { name: `${p}.self_attn.k_proj.weight`, shape: [c.nKvHeads * hd, c.dim], role: "linear" },
            { name: `${p}.self_attn.v_proj.weight`, shape: [c.nKvHeads * hd, c.dim], role: "linear" },
            { name: `${p}.self_attn.o_proj.weight`, shape: [c.dim, c.nHeads * hd], role: "linear" },
            { name: `${p}.mlp.gate_proj.weight`, shape: [c.hiddenDim, c.dim], role: "linear" },
            { name: `${p}.mlp.up_proj.weight`, shape: [c.hiddenDim, c.dim], role: "linear" },
            { name: `${p}.mlp.down_proj.weight`, shape: [c.dim, c.hiddenDim], role: "linear" },
            { name: `${p}.input_layernorm.weight`, shape: [c.dim], role: "norm" },
            { name: `${p}.post_attention_layernorm.weight`, shape: [c.dim], role: "norm" },
        );
    }
    specs.push({ name: "model.norm.weight", shape: [c.dim], role: "norm" }, { name: "lm_head.weight", shape: [c.vocabSize, c.dim], role: "lmHead" });
    return specs;
}

const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Bytes one tensor takes in a file of this kind (GGUF norms stay F32, as the converter keeps them). */
function storedBytes(t: TensorSpec, kind: RandomFileKind, c: LlamaConfig): number {
    const n = count(t.shape);
    if (t.role === "norm") {
        return kind === "hf-bf16" ? 2 * n : 4 * n;
    }
    return kind === "hf-bf16" ? 2 * n : ggmlRowBytes(ggmlTypeOf(t, kind, c), n);
}

export interface WeightBytes {
    /** Every tensor's stored bytes (what "the weights' size" means for the peak-RSS target). */
    total: number;
    /** Bytes a batch-1 decode step reads: all linear weights, lm_head and one embedding row (norms left out). */
    perToken: number;
}

export function weightBytes(c: LlamaConfig, kind: RandomFileKind): WeightBytes {
    let total = 0;
    let perToken = 0;
    for (const t of llamaTensorSpecs(c)) {
        const b = storedBytes(t, kind, c);
        total += b;
        perToken += t.role === "linear" || t.role === "lmHead" ? b : t.role === "embed" ? b / t.shape[0]! : 0;
    }
    return { total, perToken };
}

/** FNV-1a of the name, never 0 (xorshift32's one fixed point). */
function seedOf(name: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) {
        h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    }
    return (h >>> 0) || 1;
}

/** The tensor's F32 values in HF layout: k * 2^-12, k uniform in [-128, 127]; norms 1. */
export function randomTensor(t: TensorSpec): Float32Array {
    const n = count(t.shape);
    const out = new Float32Array(n);
    if (t.role === "norm") {
        return out.fill(1);
    }
    // Four int8 values per xorshift32 word, widened by the engine's typed-array conversion, then scaled.
    const words = new Uint32Array(Math.ceil(n / 4));
    let s = seedOf(t.name);
    for (let i = 0; i < words.length; i++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        words[i] = s;
    }
    out.set(new Int8Array(words.buffer, 0, n));
    const scale = 2 ** -12;
    for (let i = 0; i < n; i++) {
        out[i]! *= scale;
    }
    return out;
}

const POOL_BLOCKS = 1024;

/** A tensor of `type` whose blocks are drawn (xorshift32, seeded by its name) from POOL_BLOCKS quantized blocks. */
function sampledBlocks(t: TensorSpec, type: StorageType): Uint8Array {
    const [block, blockBytes] = GGML_BLOCK[type];
    const pool = quantizeGgml(type, randomTensor({ ...t, shape: [POOL_BLOCKS * block] }));
    const blocks = count(t.shape) / block;
    const out = new Uint8Array(blocks * blockBytes);
    let s = seedOf(`${t.name}#blocks`);
    for (let b = 0; b < blocks; b++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const from = ((s >>> 0) % POOL_BLOCKS) * blockBytes;
        out.set(pool.subarray(from, from + blockBytes), b * blockBytes);
    }
    return out;
}

export interface RandomModelFile {
    /** The .gguf file or the Hugging Face directory. */
    path: string;
    kind: RandomFileKind;
    weights: WeightBytes;
    /** Bytes on disk (all shards and side files of a directory). */
    fileBytes: number;
    writeSeconds: number;
}

export interface WriteRandomLlamaOptions {
    config: LlamaConfig;
    kind: RandomFileKind;
    /** A .gguf path, or the directory of the Hugging Face checkpoint. */
    out: string;
    vocab: GgufVocab;
    /** tokenizer.model copied into a Hugging Face directory. */
    tokenizerModel: string;
    label: string;
}

export function writeRandomLlama({ config, kind, out, vocab, tokenizerModel, label }: WriteRandomLlamaOptions): RandomModelFile {
    const specs = llamaTensorSpecs(config);
    const weights = weightBytes(config, kind);
    const progress = createProgress({ label: `writing ${label}`, total: weights.total, unit: "MB", scale: 1e6 });
    const t0 = performance.now();
    let fileBytes: number;
    if (kind === "hf-bf16") {
        const files = writeHfCheckpoint({
            dir: out, config, dtype: "BF16", maxShardBytes: 5_000_000_000, bosTokenId: vocab.bosId, eosTokenId: vocab.eosId, copyFiles: [tokenizerModel],
            tensors: specs.map((t) => ({ name: t.name, shape: t.shape, data: () => {
                const w = randomTensor(t);
                progress.increment(storedBytes(t, kind, config));
                return w;
            } })),
        });
        fileBytes = files.reduce((a, f) => a + statSync(f).size, 0);
    } else {
        const tensors: GgufTensorInput[] = specs.map((t) => {
            const name = hfToGgufName(t.name);
            if (name === undefined) {
                throw new Error(`bench: no llama.cpp name for ${t.name}`);
            }
            const heads = t.name.endsWith("q_proj.weight") ? config.nHeads : t.name.endsWith("k_proj.weight") ? config.nKvHeads : undefined;
            const type = ggmlTypeOf(t, kind, config);
            return {
                name, dims: [...t.shape].reverse(), type,
                data: () => {
                    if (type !== GgmlType.F32 && type !== GgmlType.F16 && type !== GgmlType.Q8_0 && t.role !== "norm") {
                        const bytes = sampledBlocks(t, type);
                        progress.increment(bytes.byteLength);
                        return bytes;
                    }
                    const raw = randomTensor(t);
                    const w = heads === undefined ? raw : permuteQkToGguf(raw, t.shape[0]!, t.shape[1]!, heads);
                    const bytes = quantizeGgml(type, w);
                    progress.increment(bytes.byteLength);
                    return bytes;
                },
            };
        });
        writeGguf(out, { metadata: llamaGgufMetadata({ config, name: label, fileType: fileTypeOf(kind).toUpperCase() as "Q8_0", vocab }), tensors });
        fileBytes = statSync(out).size;
    }
    progress.stop();
    return { path: out, kind, weights, fileBytes, writeSeconds: (performance.now() - t0) / 1000 };
}

/** The Hugging Face directory's shard files, for a row's config. */
export function describeFile(f: RandomModelFile): Record<string, unknown> {
    return {
        file: f.kind === "hf-bf16" ? `${join("<tmp>", "hf-bf16")}/ (safetensors sharded at 5 GB, tokenizer.model)` : `<tmp>/${f.kind}.gguf`,
        weightsBytes: f.weights.total, fileBytes: f.fileBytes, bytesReadPerToken: f.weights.perToken, writeSeconds: Number(f.writeSeconds.toFixed(1)),
    };
}
