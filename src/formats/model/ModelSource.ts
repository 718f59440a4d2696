/**
 * ModelSource: one description of a LLaMA model, whatever file it came from (a Hugging Face directory, a GGUF
 * file, a mellama training checkpoint). Tensors carry their Hugging Face name, PyTorch shape and storage type and
 * are read lazily, one at a time: opening a model reads headers only. Every tensor's bytes come back in Hugging
 * Face layout (a GGUF's q/k rows are moved back from llama.cpp's rotary permutation as they are read), so model
 * code never knows which format it is looking at.
 */
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import type { LoadedTokenizer } from "../../tokenizer/loadTokenizer.js";

/** ggml's quantized block types (formats/quant/ggmlQuant.ts). */
export type QuantStorage = "Q4_0" | "Q4_1" | "Q5_0" | "Q5_1" | "Q8_0" | "Q2_K" | "Q3_K" | "Q4_K" | "Q5_K" | "Q6_K";
/** How a tensor's values are stored: as float32, IEEE half, bfloat16 or one of ggml's quantized block types. */
export type TensorStorage = "F32" | "F16" | "BF16" | QuantStorage;

export interface ModelTensor {
    /** Hugging Face name ("model.layers.0.self_attn.q_proj.weight"). */
    readonly name: string;
    /** PyTorch shape, rows first. */
    readonly shape: readonly number[];
    readonly storage: TensorStorage;
    readonly byteSize: number;
    /** The stored bytes in HF row order, into `out` when given (exactly byteSize long), else a fresh buffer. */
    readBytes(out?: Uint8Array): Uint8Array;
    /**
     * The stored bytes mapped from the file without a copy (shared with the page cache), when they are already in
     * HF row order and mapping is available; null otherwise (use readBytes).
     */
    mapBytes(): Uint8Array | null;
    /** The values as float32, HF row order. */
    readF32(): Float32Array;
}

export type ModelFormat = "hf" | "gguf" | "checkpoint";

export interface ModelSource extends Disposable {
    /** The path given to openModel (a run directory resolves to its latest checkpoint: `dir` says which). */
    readonly path: string;
    /** The file or directory the tensors are read from. */
    readonly dir: string;
    readonly format: ModelFormat;
    readonly config: LlamaConfig;
    /** The model's tokenizer; null when the directory carries none. */
    readonly tokenizer: LoadedTokenizer | null;
    /** Whether the tokenizer adds BOS / EOS (tokenizer_config.json add_bos_token, GGUF tokenizer.ggml.add_bos_token). */
    readonly addBos: boolean;
    readonly addEos: boolean;
    /** The chat template the model carries (tokenizer_config.json chat_template, GGUF tokenizer.chat_template). */
    readonly chatTemplate: string | undefined;
    /** Tensors by HF name, in file order. */
    readonly tensors: ReadonlyMap<string, ModelTensor>;
    /** Σ byteSize: what holding the weights at rest takes. */
    readonly weightBytes: number;
    close(): void;
}
