/**
 * exportModel: converts a LLaMA checkpoint between a Hugging Face directory (or a .safetensors file with
 * config.json beside it) and GGUF, tensor by tensor (one tensor in memory at a time, plus its converted copy).
 *
 * To GGUF it does what llama.cpp's convert_hf_to_gguf.py does for LlamaForCausalLM: llama.cpp tensor names,
 * the q/k row permutation (n_head for q, n_head_kv for k), norms kept F32, 2-D weights in the requested type
 * (Q8_0 falls back to F16 for rows not a multiple of 32, as gguf-py does), llama.* and tokenizer.ggml.* metadata.
 * To HF it inverts all of that and rebuilds tokenizer.model / tokenizer.json from tokenizer.ggml.*.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { ConfigError } from "../../errors/MellamaError.js";
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import { loadTokenizer } from "../../tokenizer/loadTokenizer.js";
import { saveTokenizer } from "../../tokenizer/saveTokenizer.js";
import type { SentencePieceModel } from "../../tokenizer/sentencepieceModel.js";
import { PieceType } from "../../tokenizer/Tokenizer.js";
import { GgufFile } from "../gguf/GgufFile.js";
import { GgmlType } from "../gguf/ggufTypes.js";
import { type GgufVocab, ggufVocab, llamaConfigFromGguf, llamaGgufMetadata } from "../gguf/llamaGguf.js";
import { permuteQkToGguf, unpermuteQkFromGguf } from "../gguf/permuteQk.js";
import { type GgufTensorInput, writeGguf } from "../gguf/writeGguf.js";
import { ggufToHfName, hfToGgufName } from "../hfNames.js";
import { f32ArrayToBf16, f32ArrayToF16 } from "../quant/halfFloat.js";
import { quantizeQ8_0 } from "../quant/q8_0.js";
import { parameterLayout } from "../../model/parameterLayout.js";
import { HfCheckpoint } from "./HfCheckpoint.js";
import { writeHfCheckpoint } from "./writeHfCheckpoint.js";

export type ExportType = "f32" | "f16" | "bf16" | "q8_0";

export interface ExportModelOptions {
    from: string;
    to: "gguf" | "hf";
    out: string;
    type?: ExportType;
    /** general.name for GGUF; defaults to the source's base name. */
    name?: string;
    maxShardBytes?: number;
}

/** Which permutation a tensor needs, by HF name: q uses n_head, k uses n_head_kv. */
function qkHeads(hfName: string, config: LlamaConfig): number | undefined {
    if (hfName.endsWith("self_attn.q_proj.weight")) {
        return config.nHeads;
    }
    return hfName.endsWith("self_attn.k_proj.weight") ? config.nKvHeads : undefined;
}

export function isGgufPath(path: string): boolean {
    if (!existsSync(path) || statSync(path).isDirectory()) {
        return false;
    }
    const head = Buffer.alloc(4);
    const fd = openSync(path, "r");
    try {
        readSync(fd, head, 0, 4, 0);
    } finally {
        closeSync(fd);
    }
    return head.toString("latin1") === "GGUF";
}

export function exportModel(options: ExportModelOptions): string[] {
    const { from, to, out } = options;
    if (to !== "gguf" && to !== "hf") {
        throw new ConfigError("to", `must be gguf or hf, got ${JSON.stringify(to)}`);
    }
    const type = options.type ?? "f16";
    if (!["f32", "f16", "bf16", "q8_0"].includes(type)) {
        throw new ConfigError("type", `must be f32, f16, bf16 or q8_0, got ${JSON.stringify(type)}`);
    }
    if (to === "hf" && type === "q8_0") {
        throw new ConfigError("type", "q8_0 is a GGUF type; a Hugging Face checkpoint takes f32, f16 or bf16");
    }
    const name = options.name ?? basename(from).replace(/\.(gguf|safetensors)$/, "");
    if (isGgufPath(from)) {
        using gguf = GgufFile.open(from);
        return to === "hf" ? ggufToHf(gguf, out, type, options.maxShardBytes) : hfLikeToGguf(fromGgufSource(gguf), out, type, name);
    }
    using hf = HfCheckpoint.open(from);
    if (to === "gguf") {
        return hfLikeToGguf(fromHfSource(hf), out, type, name);
    }
    const config = hf.config;
    const tokenizerFiles = ["tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"].map((f) => join(hf.dir, f));
    return writeHfCheckpoint({
        dir: out, config, dtype: type.toUpperCase() as "F32" | "F16" | "BF16", maxShardBytes: options.maxShardBytes,
        tensors: hfTensorOrder(config, hf.tensorNames).map((n) => ({ name: n, shape: hf.info(n).shape, data: () => hf.readF32(n) })),
        bosTokenId: numberOr(hf.rawConfig.bos_token_id), eosTokenId: numberOr(hf.rawConfig.eos_token_id), copyFiles: tokenizerFiles,
    });
}

function numberOr(v: unknown): number | undefined {
    return typeof v === "number" ? v : undefined;
}

/** The layout's order first (the order transformers writes), then anything else the checkpoint has. */
function hfTensorOrder(config: LlamaConfig, names: readonly string[]): string[] {
    const have = new Set(names);
    const ordered = parameterLayout(config).map((s) => s.hfName).filter((n) => have.has(n));
    const seen = new Set(ordered);
    return [...ordered, ...names.filter((n) => !seen.has(n))];
}

/** A model as HF-named, HF-layout float32 tensors, whatever the file it came from. */
interface ModelSource {
    config: LlamaConfig;
    vocab?: GgufVocab;
    tensors: { hfName: string; shape: number[]; read: () => Float32Array }[];
}

function fromHfSource(hf: HfCheckpoint): ModelSource {
    let vocab: GgufVocab | undefined;
    if (["tokenizer.model", "tokenizer.json"].some((f) => existsSync(join(hf.dir, f)))) {
        const tok = loadTokenizer(hf.dir);
        const tcPath = join(hf.dir, "tokenizer_config.json");
        const tc = existsSync(tcPath) ? JSON.parse(readFileSync(tcPath, "utf8")) as Record<string, unknown> : {};
        vocab = {
            pieces: tok.model.pieces, bosId: tok.bosId, eosId: tok.eosId, unkId: tok.unkId, padId: tok.padId,
            addBos: tc.add_bos_token !== false, addEos: tc.add_eos_token === true,
            ...(typeof tc.chat_template === "string" ? { chatTemplate: tc.chat_template } : {}),
        };
    }
    return {
        config: hf.config,
        ...(vocab === undefined ? {} : { vocab }),
        tensors: hfTensorOrder(hf.config, hf.tensorNames).map((n) => ({ hfName: n, shape: hf.info(n).shape, read: () => hf.readF32(n) })),
    };
}

function fromGgufSource(gguf: GgufFile): ModelSource {
    const config = llamaConfigFromGguf(gguf);
    const vocab = ggufVocab(gguf);
    return {
        config,
        ...(vocab === undefined ? {} : { vocab }),
        tensors: gguf.tensors.flatMap((t) => {
            const hfName = ggufToHfName(t.name);
            if (hfName === undefined) {
                return []; // e.g. rope_freqs: derived data llama.cpp can recompute, not a weight
            }
            const shape = [...t.dims].reverse();
            const heads = qkHeads(hfName, config);
            const read = (): Float32Array => {
                const w = gguf.readF32(t.name);
                return heads === undefined ? w : unpermuteQkFromGguf(w, shape[0]!, shape[1] ?? 1, heads);
            };
            return [{ hfName, shape, read }];
        }),
    };
}

function hfLikeToGguf(src: ModelSource, out: string, type: ExportType, name: string): string[] {
    const { config } = src;
    const fileType = ({ f32: "F32", f16: "F16", bf16: "BF16", q8_0: "Q8_0" } as const)[type];
    const tensors: GgufTensorInput[] = [];
    for (const t of src.tensors) {
        const ggufName = hfToGgufName(t.hfName);
        if (ggufName === undefined) {
            throw new ConfigError(`tensors.${t.hfName}`, "has no llama.cpp name; is this a LLaMA checkpoint?");
        }
        const dims = [...t.shape].reverse();
        // Norms (1-D) stay F32 as the converter keeps them; Q8_0 needs rows of a multiple of 32 values.
        let ggmlType = dims.length === 1 ? GgmlType.F32 : ({ f32: GgmlType.F32, f16: GgmlType.F16, bf16: GgmlType.BF16, q8_0: GgmlType.Q8_0 } as const)[type];
        if (ggmlType === GgmlType.Q8_0 && dims[0]! % 32 !== 0) {
            ggmlType = GgmlType.F16;
        }
        const heads = qkHeads(t.hfName, config);
        tensors.push({
            name: ggufName, dims, type: ggmlType,
            data: () => {
                const raw = t.read();
                const w = heads === undefined ? raw : permuteQkToGguf(raw, t.shape[0]!, t.shape[1] ?? 1, heads);
                return encodeGgml(w, ggmlType);
            },
        });
    }
    writeGguf(out, { metadata: llamaGgufMetadata({ config, name, fileType, ...(src.vocab === undefined ? {} : { vocab: src.vocab }) }), tensors });
    return [out];
}

function encodeGgml(w: Float32Array, type: GgmlType): Uint8Array {
    switch (type) {
        case GgmlType.F16: {
            const h = f32ArrayToF16(w);
            return new Uint8Array(h.buffer);
        }
        case GgmlType.BF16: {
            const h = f32ArrayToBf16(w);
            return new Uint8Array(h.buffer);
        }
        case GgmlType.Q8_0:
            return quantizeQ8_0(w);
        default:
            return new Uint8Array(w.buffer, w.byteOffset, w.byteLength);
    }
}

function ggufToHf(gguf: GgufFile, out: string, type: ExportType, maxShardBytes?: number): string[] {
    const src = fromGgufSource(gguf);
    const written = writeHfCheckpoint({
        dir: out, config: src.config, dtype: type.toUpperCase() as "F32" | "F16" | "BF16", maxShardBytes,
        tensors: src.tensors.map((t) => ({ name: t.hfName, shape: t.shape, data: t.read })),
        bosTokenId: src.vocab?.bosId, eosTokenId: src.vocab?.eosId,
    });
    if (src.vocab !== undefined) {
        written.push(...saveTokenizer(out, sentencePieceFromVocab(src.vocab), src.vocab.chatTemplate));
    }
    return written;
}

/** A LLaMA-2 SentencePiece model (BPE, byte fallback, dummy prefix, no normalization) for a GGUF vocabulary. */
function sentencePieceFromVocab(v: GgufVocab): SentencePieceModel {
    return {
        pieces: [...v.pieces],
        trainer: {
            modelType: 2, vocabSize: v.pieces.length, byteFallback: v.pieces.some((p) => p.type === PieceType.BYTE), splitDigits: true,
            unkId: v.unkId, bosId: v.bosId, eosId: v.eosId, padId: v.padId ?? -1, raw: [],
        },
        normalizer: { name: "identity", addDummyPrefix: true, removeExtraWhitespaces: false, escapeWhitespaces: true, hasCharsmap: false, raw: [] },
    };
}
