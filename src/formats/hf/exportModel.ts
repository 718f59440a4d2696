/**
 * exportModel: converts a LLaMA model between a Hugging Face directory and GGUF, tensor by tensor (one tensor in
 * memory at a time, plus its converted copy). The source is anything openModel takes (HF directory or .safetensors
 * file, GGUF, training checkpoint or run); its tensors arrive in Hugging Face layout whatever the file.
 *
 * To GGUF it does what llama.cpp's convert_hf_to_gguf.py does for LlamaForCausalLM: llama.cpp tensor names,
 * the q/k row permutation (n_head for q, n_head_kv for k), norms kept F32, 2-D weights in the requested type,
 * llama.* and tokenizer.ggml.* metadata. Quantized file types (q4_0, q4_k_m, q6_k...) take llama.cpp's per-tensor
 * mixture (gguf/quantMixture.ts) and report each tensor's quantization error (RMS of w - dequantize(quantize(w))).
 * To HF it writes the sharded safetensors directory and the tokenizer files (rebuilt from the vocabulary when the
 * source is a GGUF).
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { ConfigError } from "../../errors/MellamaError.js";
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import { parameterLayout } from "../../model/parameterLayout.js";
import { ropeFreqFactors } from "../../model/ropeFrequencies.js";
import { saveTokenizer } from "../../tokenizer/saveTokenizer.js";
import { ByteLevelBpe } from "../../tokenizer/ByteLevelBpe.js";
import { SentencePieceBpe } from "../../tokenizer/SentencePieceBpe.js";
import { toByteLevelTokenizerJson } from "../../tokenizer/byteLevelTokenizerJson.js";
import { writeTokenizerConfig } from "../../tokenizer/writeTokenizerConfig.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import { ggufVocabOfByteLevel } from "../model/ggufTokenizer.js";
import type { LLAMA_FILE_TYPE } from "../gguf/ggufTypes.js";
import { GgmlType } from "../gguf/ggufTypes.js";
import { FILE_TYPES, type FileTypeName, isFileTypeName, tensorTypeFor } from "../gguf/quantMixture.js";
import { type GgufVocab, llamaGgufMetadata } from "../gguf/llamaGguf.js";
import { permuteQkToGguf } from "../gguf/permuteQk.js";
import { type GgufTensorInput, writeGguf } from "../gguf/writeGguf.js";
import { hfToGgufName } from "../hfNames.js";
import type { ModelSource } from "../model/ModelSource.js";
import { openModel } from "../model/openModel.js";
import { dequantizeGgml, isStorageType, quantizeGgml } from "../quant/ggmlQuant.js";
import { createProgress } from "../../util/progress.js";
import { writeHfCheckpoint } from "./writeHfCheckpoint.js";
import { claimOutput, writeOutputDir, writeOutputFile } from "../../util/writeOutput.js";

export type ExportType = FileTypeName;

/** One written tensor and, for a quantized type, its error: RMS of (w - dequantize(quantize(w))) and that over RMS of w. */
export interface TensorReport {
    name: string;
    type: string;
    rmse?: number;
    relative?: number;
}

export interface ExportModelOptions {
    from: string;
    to: "gguf" | "hf";
    out: string;
    type?: ExportType;
    /** general.name for GGUF; defaults to the source's base name. */
    name?: string;
    maxShardBytes?: number;
    /** Replace an output an earlier export wrote at `out` (anything else there is refused). */
    overwrite?: boolean;
    /** Called as each GGUF tensor is written (the CLI prints the quantization error per tensor). */
    onTensor?: (report: TensorReport) => void;
    /** Show a progress bar (bytes of the source converted, rate, ETA); the CLI sets it. */
    progress?: boolean;
}

/** Which permutation a tensor needs, by HF name: q uses n_head, k uses n_head_kv. */
function qkHeads(hfName: string, config: LlamaConfig): number | undefined {
    if (hfName.endsWith("self_attn.q_proj.weight")) {
        return config.nHeads;
    }
    return hfName.endsWith("self_attn.k_proj.weight") ? config.nKvHeads : undefined;
}

export function exportModel(options: ExportModelOptions): string[] {
    const { from, to, out } = options;
    if (to !== "gguf" && to !== "hf") {
        throw new ConfigError("to", `must be gguf or hf, got ${JSON.stringify(to)}`);
    }
    const type = options.type ?? "f16";
    if (!isFileTypeName(type)) {
        throw new ConfigError("type", `must be one of ${Object.keys(FILE_TYPES).join(", ")}, got ${JSON.stringify(type)}`);
    }
    if (to === "hf" && !["f32", "f16", "bf16"].includes(type)) {
        throw new ConfigError("type", `${type} is a GGUF type; a Hugging Face checkpoint takes f32, f16 or bf16`);
    }
    const name = options.name ?? basename(from).replace(/\.(gguf|safetensors)$/, "");
    const claim = { command: "export", inputs: [from], overwrite: options.overwrite === true };
    claimOutput(out, claim, to === "hf");
    using source = openModel(from);
    return to === "gguf" ? writeOutputFile(out, claim, (path) => toGguf(source, path, type, name, options))
        : writeOutputDir(out, claim, (dir) => toHf(source, dir, type, options.maxShardBytes));
}

/** The layout's order first (the order transformers writes), then anything else the model has. */
function tensorOrder(source: ModelSource): string[] {
    const ordered = parameterLayout(source.config).map((s) => s.hfName).filter((n) => source.tensors.has(n));
    const seen = new Set(ordered);
    return [...ordered, ...[...source.tensors.keys()].filter((n) => !seen.has(n))];
}

function vocabOf(source: ModelSource): GgufVocab | undefined {
    const tok = source.tokenizer;
    if (tok === null) {
        return undefined;
    }
    if (tok instanceof ByteLevelBpe) {
        return {
            ...ggufVocabOfByteLevel(tok), addBos: source.addBos, addEos: source.addEos,
            ...(source.chatTemplate === undefined ? {} : { chatTemplate: source.chatTemplate }),
        };
    }
    return {
        pieces: tok.model.pieces, bosId: tok.bosId, eosId: tok.eosId, unkId: tok.unkId, padId: tok.padId, addBos: source.addBos, addEos: source.addEos,
        ...(source.chatTemplate === undefined ? {} : { chatTemplate: source.chatTemplate }),
    };
}

function toGguf(source: ModelSource, out: string, type: ExportType, name: string, options: ExportModelOptions): string[] {
    const { config } = source;
    const model = { nLayers: config.nLayers, nGqa: config.nHeads / config.nKvHeads, tiedOutput: !source.tensors.has("lm_head.weight") };
    const tensors: GgufTensorInput[] = [];
    const order = tensorOrder(source);
    const totalBytes = order.reduce((n, h) => n + source.tensors.get(h)!.byteSize, 0);
    const progress = options.progress !== true ? undefined : createProgress({ label: `export ${type}`, total: totalBytes, unit: "MB", scale: 1e6 });
    for (const hfName of order) {
        const t = source.tensors.get(hfName)!;
        const ggufName = hfToGgufName(hfName);
        if (ggufName === undefined) {
            throw new ConfigError(`tensors.${hfName}`, "has no llama.cpp name; is this a LLaMA checkpoint?");
        }
        const dims = [...t.shape].reverse();
        const ggmlType = tensorTypeFor(type, ggufName, dims, model);
        if (!isStorageType(ggmlType)) {
            throw new ConfigError("type", `${GgmlType[ggmlType]} cannot be written`);
        }
        const heads = qkHeads(hfName, config);
        tensors.push({
            name: ggufName, dims, type: ggmlType,
            data: () => {
                const raw = t.readF32();
                const w = heads === undefined ? raw : permuteQkToGguf(raw, t.shape[0]!, t.shape[1] ?? 1, heads);
                const bytes = quantizeGgml(ggmlType, w);
                options.onTensor?.({ name: ggufName, type: GgmlType[ggmlType], ...quantizationError(w, bytes, ggmlType) });
                progress?.increment(t.byteSize);
                return bytes;
            },
        });
    }
    const scaling = config.ropeScaling;
    if (scaling?.type === "llama3" || scaling?.type === "factors") {
        // convert_hf_to_gguf.py's form: per-frequency divisors of inv_freq, F32, read by llama.cpp's rope.
        const factors = ropeFreqFactors(config);
        tensors.push({ name: "rope_freqs.weight", dims: [factors.length], type: GgmlType.F32, data: () => new Uint8Array(factors.buffer) });
    }
    const vocab = vocabOf(source);
    const fileType = type.toUpperCase() as keyof typeof LLAMA_FILE_TYPE;
    try {
        writeGguf(out, { metadata: llamaGgufMetadata({ config, name, fileType, ...(vocab === undefined ? {} : { vocab }) }), tensors });
    } finally {
        progress?.stop();
    }
    return [out];
}

/** RMS of (w - dequantize(bytes)) and that over RMS of w, for quantized types (none for F32/F16/BF16). */
function quantizationError(w: Float32Array, bytes: Uint8Array, type: GgmlType): { rmse?: number; relative?: number } {
    if (type === GgmlType.F32 || type === GgmlType.F16 || type === GgmlType.BF16 || !isStorageType(type)) {
        return {};
    }
    const back = dequantizeGgml(type, bytes, w.length);
    let err = 0;
    let norm = 0;
    for (let i = 0; i < w.length; i++) {
        err += (w[i]! - back[i]!) ** 2;
        norm += w[i]! ** 2;
    }
    const rmse = Math.sqrt(err / w.length);
    return { rmse, relative: norm > 0 ? rmse / Math.sqrt(norm / w.length) : 0 };
}

function toHf(source: ModelSource, out: string, type: ExportType, maxShardBytes?: number): string[] {
    const tok = source.tokenizer;
    // A directory's own tokenizer files travel as they are; a GGUF's vocabulary is written as tokenizer.model.
    const copyFiles = source.format === "gguf" ? [] : ["tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]
        .map((f) => join(source.dir.endsWith(".safetensors") ? join(source.dir, "..") : source.dir, f)).filter((f) => existsSync(f));
    const written = writeHfCheckpoint({
        dir: out, config: source.config, dtype: type.toUpperCase() as "F32" | "F16" | "BF16", maxShardBytes,
        tensors: tensorOrder(source).map((n) => ({ name: n, shape: source.tensors.get(n)!.shape, data: () => source.tensors.get(n)!.readF32() })),
        bosTokenId: tok?.bosId, eosTokenId: tok?.eosId, copyFiles,
    });
    if (source.format === "gguf" && tok instanceof ByteLevelBpe) {
        atomicWriteFileSync(join(out, "tokenizer.json"), toByteLevelTokenizerJson(tok.model));
        writeTokenizerConfig(join(out, "tokenizer_config.json"), { modelMaxLength: source.config.maxSeqLen, tokenizerClass: "PreTrainedTokenizerFast",
            bosToken: tok.idToPiece(tok.bosId), eosToken: tok.idToPiece(tok.eosId),
            ...(source.chatTemplate === undefined ? {} : { chatTemplate: source.chatTemplate }) });
        written.push(join(out, "tokenizer.json"), join(out, "tokenizer_config.json"));
    } else if (source.format === "gguf" && tok instanceof SentencePieceBpe) {
        written.push(...saveTokenizer(out, tok.model, source.chatTemplate, source.config.maxSeqLen));
    }
    return written;
}
