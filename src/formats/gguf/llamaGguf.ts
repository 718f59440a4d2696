/**
 * The llama-architecture metadata llama.cpp reads (llama.* hyperparameters, general.*, tokenizer.ggml.*), built
 * from a LlamaConfig and a vocabulary, and read back: SentencePiece (`tokenizer.ggml.model = llama`: tokens, scores,
 * token types) or byte-level BPE (`gpt2`: tokens, token types, merges, and `tokenizer.ggml.pre`, the pre-tokenizer
 * llama.cpp selects by name: `llama-bpe` for LLaMA-3's regex). Key names and value types follow what
 * convert_hf_to_gguf.py writes (u32 sizes, f32 epsilon and rope base, i32 token types, f32 scores).
 */
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import { validateConfig } from "../../model/LlamaConfig.js";
import { type Piece, PieceType } from "../../tokenizer/Tokenizer.js";
import { GgufError } from "./GgufError.js";
import type { GgufFile } from "./GgufFile.js";
import { LLAMA_FILE_TYPE, type GgufValue, GgufValueType } from "./ggufTypes.js";

export interface GgufVocab {
    /** llama: SentencePiece (scores matter); gpt2: byte-level BPE (merges matter). Default llama. */
    model?: "llama" | "gpt2";
    pieces: readonly Piece[];
    /** gpt2: the merges in rank order, "a b". */
    merges?: readonly string[];
    /** gpt2: llama.cpp's pre-tokenizer name (llama-bpe, gpt-2). */
    pre?: string;
    bosId: number;
    eosId: number;
    unkId: number;
    padId?: number | null;
    addBos?: boolean;
    addEos?: boolean;
    chatTemplate?: string;
}

export interface LlamaGgufMetadataOptions {
    config: LlamaConfig;
    name: string;
    fileType: keyof typeof LLAMA_FILE_TYPE;
    vocab?: GgufVocab;
}

const u32 = (value: number): GgufValue => ({ type: GgufValueType.UINT32, value });
const f32 = (value: number): GgufValue => ({ type: GgufValueType.FLOAT32, value: Math.fround(value) });
const str = (value: string): GgufValue => ({ type: GgufValueType.STRING, value });
const bool = (value: boolean): GgufValue => ({ type: GgufValueType.BOOL, value });

export function llamaGgufMetadata({ config, name, fileType, vocab }: LlamaGgufMetadataOptions): Map<string, GgufValue> {
    const m = new Map<string, GgufValue>([
        ["general.architecture", str("llama")],
        ["general.type", str("model")],
        ["general.name", str(name)],
        ["llama.block_count", u32(config.nLayers)],
        ["llama.context_length", u32(config.maxSeqLen)],
        ["llama.embedding_length", u32(config.dim)],
        ["llama.feed_forward_length", u32(config.hiddenDim)],
        ["llama.attention.head_count", u32(config.nHeads)],
        ["llama.attention.head_count_kv", u32(config.nKvHeads)],
        ["llama.rope.freq_base", f32(config.ropeTheta)],
        ["llama.attention.layer_norm_rms_epsilon", f32(config.normEps)],
        ["general.file_type", u32(LLAMA_FILE_TYPE[fileType])],
        ...(["F32", "F16", "BF16"].includes(fileType) ? [] : [["general.quantization_version", u32(2)] as [string, GgufValue]]),
        ["llama.vocab_size", u32(config.vocabSize)],
        ["llama.rope.dimension_count", u32(config.dim / config.nHeads)],
    ]);
    // linear is metadata; llama3 (and GGUF-born factors) travel as the rope_freqs.weight tensor the exporter writes;
    // dynamic NTK changes nothing inside the context, which is all llama.cpp and mellama run.
    if (config.ropeScaling?.type === "linear") {
        m.set("llama.rope.scaling.type", str("linear"));
        m.set("llama.rope.scaling.factor", f32(config.ropeScaling.factor));
    }
    if (vocab !== undefined) {
        const gpt2 = vocab.model === "gpt2";
        m.set("tokenizer.ggml.model", str(gpt2 ? "gpt2" : "llama"));
        if (gpt2) {
            m.set("tokenizer.ggml.pre", str(vocab.pre ?? "default"));
        }
        m.set("tokenizer.ggml.tokens", { type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, value: vocab.pieces.map((p) => p.piece) });
        if (!gpt2) {
            m.set("tokenizer.ggml.scores", { type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32, value: vocab.pieces.map((p) => Math.fround(p.score)) });
        }
        m.set("tokenizer.ggml.token_type", { type: GgufValueType.ARRAY, itemType: GgufValueType.INT32, value: vocab.pieces.map((p) => p.type) });
        if (gpt2) {
            m.set("tokenizer.ggml.merges", { type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, value: [...(vocab.merges ?? [])] });
        }
        m.set("tokenizer.ggml.bos_token_id", u32(vocab.bosId));
        m.set("tokenizer.ggml.eos_token_id", u32(vocab.eosId));
        if (vocab.unkId >= 0) {
            m.set("tokenizer.ggml.unknown_token_id", u32(vocab.unkId));
        }
        if (vocab.padId !== undefined && vocab.padId !== null && vocab.padId >= 0) {
            m.set("tokenizer.ggml.padding_token_id", u32(vocab.padId));
        }
        m.set("tokenizer.ggml.add_bos_token", bool(vocab.addBos ?? true));
        m.set("tokenizer.ggml.add_eos_token", bool(vocab.addEos ?? false));
        if (vocab.chatTemplate !== undefined) {
            m.set("tokenizer.chat_template", str(vocab.chatTemplate));
        }
    }
    m.set("general.quantization_version", u32(2));
    return m;
}

/** GGUF stores epsilon and rope base as f32; give back the shortest decimal with the same f32 (1e-5, not 9.99999974e-6). */
function shortestF32(x: number): number {
    for (let p = 1; p <= 9; p++) {
        const y = Number(x.toPrecision(p));
        if (Math.fround(y) === Math.fround(x)) {
            return y;
        }
    }
    return x;
}

/** LlamaConfig from a llama GGUF; errors name the key. */
export function llamaConfigFromGguf(file: GgufFile): LlamaConfig {
    const arch = file.scalar("general.architecture");
    if (arch !== "llama") {
        throw new GgufError(file.name, "general.architecture", `${JSON.stringify(arch)} is not "llama"`);
    }
    const heads = file.number("llama.attention.head_count");
    const tokens = file.array("tokenizer.ggml.tokens");
    const dim = file.number("llama.embedding_length");
    const config: LlamaConfig = {
        dim,
        nLayers: file.number("llama.block_count"),
        nHeads: heads,
        nKvHeads: file.number("llama.attention.head_count_kv", heads),
        hiddenDim: file.number("llama.feed_forward_length"),
        vocabSize: file.number("llama.vocab_size", tokens?.length ?? file.info("token_embd.weight").dims[1]),
        maxSeqLen: file.number("llama.context_length"),
        normEps: shortestF32(file.number("llama.attention.layer_norm_rms_epsilon")),
        ropeTheta: shortestF32(file.number("llama.rope.freq_base", 10000)),
        tieEmbeddings: !file.has("output.weight"),
    };
    const scalingType = file.scalar("llama.rope.scaling.type");
    if (scalingType === "linear") {
        config.ropeScaling = { type: "linear", factor: shortestF32(file.number("llama.rope.scaling.factor")) };
    } else if (scalingType !== undefined && scalingType !== "none") {
        throw new GgufError(file.name, "llama.rope.scaling.type", `${JSON.stringify(scalingType)} is not supported (none, linear; llama3 comes as rope_freqs.weight)`);
    }
    const ropeDims = file.number("llama.rope.dimension_count", dim / heads);
    if (ropeDims !== dim / heads) {
        throw new GgufError(file.name, "llama.rope.dimension_count", `${ropeDims} (partial rotary) is not supported; LLaMA rotates the whole head of ${dim / heads}`);
    }
    return validateConfig(config);
}

/** The vocabulary stored in tokenizer.ggml.*, or undefined when the file has none. */
export function ggufVocab(file: GgufFile): GgufVocab | undefined {
    const tokens = file.array("tokenizer.ggml.tokens");
    if (tokens === undefined) {
        return undefined;
    }
    const scores = file.array("tokenizer.ggml.scores") ?? [];
    const types = file.array("tokenizer.ggml.token_type") ?? [];
    const pieces = tokens.map((t, i): Piece => ({
        piece: String(t),
        score: Number(scores[i] ?? 0),
        type: (Number(types[i] ?? PieceType.NORMAL)) as PieceType,
    }));
    const pad = file.scalar("tokenizer.ggml.padding_token_id");
    const template = file.scalar("tokenizer.chat_template");
    const model = file.scalar("tokenizer.ggml.model") ?? "llama";
    if (model !== "llama" && model !== "gpt2") {
        throw new GgufError(file.name, "tokenizer.ggml.model", `${JSON.stringify(model)} is not supported (llama: SentencePiece, gpt2: byte-level BPE)`);
    }
    const pre = file.scalar("tokenizer.ggml.pre");
    return {
        model,
        ...(model === "gpt2" ? { merges: (file.array("tokenizer.ggml.merges") ?? []).map(String), pre: typeof pre === "string" ? pre : "default" } : {}),
        pieces,
        bosId: file.number("tokenizer.ggml.bos_token_id", 1),
        eosId: file.number("tokenizer.ggml.eos_token_id", 2),
        unkId: file.number("tokenizer.ggml.unknown_token_id", model === "gpt2" ? -1 : 0),
        padId: pad === undefined ? null : Number(pad),
        addBos: file.scalar("tokenizer.ggml.add_bos_token") !== false,
        addEos: file.scalar("tokenizer.ggml.add_eos_token") === true,
        ...(typeof template === "string" ? { chatTemplate: template } : {}),
    };
}
