/**
 * The inference API the eval harness's `native` backend, `mellama generate`, serving and the recipe call.
 *
 * - `loadForInference(path)` opens any model openModel takes (a Hugging Face directory, a GGUF file, a training
 *   checkpoint or run) and holds its weights at rest in their storage type (loadInferenceWeights); `quantize:
 *   "q8_0"` converts an F32/F16/BF16 model to Q8_0 as it loads. The session owns its kernel set: dispose() it.
 * - `createInferenceSession({config, weights, tokenizer})` serves F32 weights already in memory (by HF tensor name,
 *   or a LlamaModel whose tensors are used in place), e.g. a model that was just trained.
 */
import { FormatError, MellamaError } from "../../errors/MellamaError.js";
import { openModel } from "../../formats/model/openModel.js";
import { getKernelSet, type KernelKind } from "../../kernels/index.js";
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";
import { headDim, kvDim, type LlamaConfig } from "../LlamaConfig.js";
import { LlamaModel } from "../LlamaModel.js";
import { parameterLayout } from "../parameterLayout.js";
import { InferenceSession } from "./InferenceSession.js";
import type { InferenceWeights, LayerWeights, StoredWeight } from "./InferenceWeights.js";
import { loadInferenceWeights } from "./loadInferenceWeights.js";

export { ContextLengthError, InferenceSession, MAX_DECODE_BATCH, applyRepetitionPenalty, sample } from "./InferenceSession.js";
export type { GenerateOptions, GenerateOutput } from "./InferenceSession.js";
export { KvCache } from "./KvCache.js";
export { LoraAdapter } from "./LoraAdapter.js";
export { SequenceBatcher } from "./SequenceBatcher.js";
export type { InferenceWeights, StoredWeight } from "./InferenceWeights.js";

export interface SessionOptions {
    threads?: number;
    kernels?: KernelKind;
    /** Longest prompt + generation; default the model's maxSeqLen. */
    maxContext?: number;
    /** Prompt tokens per prefill matmul batch; default 512. */
    prefillChunk?: number;
    /** Sequences decoded together by generate/generateBatch, 1..16 (each keeps its own KV cache); default 8. */
    maxBatch?: number;
    /** Convert F32/F16/BF16 linear weights to Q8_0 on load. */
    quantize?: "q8_0";
    /** Map the weights from the file (default true; llama.cpp's --no-mmap is `mmap: false`). */
    mmap?: boolean;
}

export interface InMemoryModel {
    config: LlamaConfig;
    /** F32 weights by HF tensor name, or a LlamaModel (its tensors are used in place, not copied). */
    weights: ReadonlyMap<string, Float32Array> | LlamaModel;
    tokenizer: Tokenizer;
    /** Where the weights came from, for error messages. */
    source?: string;
}

/** A model file or directory, with its tokenizer, as a session. */
export function loadForInference(path: string, options: SessionOptions = {}): Promise<InferenceSession> {
    try {
        using source = openModel(path);
        if (source.tokenizer === null) {
            throw new FormatError(source.dir, "tokenizer", "the model carries no tokenizer (tokenizer.model, tokenizer.json or tokenizer.ggml.*)");
        }
        const c = source.config;
        const maxContext = Math.min(options.maxContext ?? c.maxSeqLen, c.maxSeqLen);
        const rows = Math.max(Math.min(options.prefillChunk ?? 512, maxContext), 16);
        // The session's activations, and one full-context F32 KV cache (the cache grows only as far as it is used).
        const extraBytes = 4 * rows * (5 * c.dim + 2 * kvDim(c) + 2 * c.hiddenDim) + 2 * c.nLayers * maxContext * kvDim(c) * 4 + 4 * maxContext * headDim(c);
        const weights = loadInferenceWeights(source, {
            ...(options.quantize === undefined ? {} : { quantize: options.quantize }),
            ...(options.mmap === undefined ? {} : { mmap: options.mmap }), extraBytes,
        });
        const kernels = getKernelSet({ kind: options.kernels ?? "auto", ...(options.threads === undefined ? {} : { threads: options.threads }) });
        return Promise.resolve(new InferenceSession({ weights, kernels, ownsKernels: true, tokenizer: source.tokenizer, ...sessionSizes(options) }));
    } catch (error) {
        return Promise.reject(error);
    }
}

export function createInferenceSession({ config, weights, tokenizer, source = "weights" }: InMemoryModel, options: SessionOptions = {}): InferenceSession {
    if (weights instanceof LlamaModel) {
        return new InferenceSession({ model: weights, tokenizer, ...sessionSizes(options) });
    }
    const kernels = getKernelSet({ kind: options.kernels ?? "auto", ...(options.threads === undefined ? {} : { threads: options.threads }) });
    return new InferenceSession({ weights: weightsFromMap(config, weights, source), kernels, ownsKernels: true, tokenizer, ...sessionSizes(options) });
}

function sessionSizes(options: SessionOptions): { maxContext?: number; prefillChunk?: number; maxBatch?: number } {
    return {
        ...(options.maxContext === undefined ? {} : { maxContext: options.maxContext }),
        ...(options.prefillChunk === undefined ? {} : { prefillChunk: options.prefillChunk }),
        ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    };
}

/** F32 tensors by HF name as InferenceWeights (views, no copy), each present with the config's element count. */
function weightsFromMap(config: LlamaConfig, map: ReadonlyMap<string, Float32Array>, source: string): InferenceWeights {
    const byName = new Map<string, Float32Array>();
    let bytes = 0;
    for (const spec of parameterLayout(config)) {
        const w = map.get(spec.hfName);
        if (w === undefined) {
            throw new FormatError(source, spec.hfName, "missing");
        }
        if (w.length !== spec.size) {
            throw new FormatError(source, spec.hfName, `has ${w.length} values, the config needs ${spec.size}`);
        }
        byName.set(spec.name, w);
        bytes += w.byteLength;
    }
    const f32 = (name: string): StoredWeight => ({ type: "F32", data: byName.get(name)! });
    const layers = Array.from({ length: config.nLayers }, (_, l): LayerWeights => ({
        inputLayernorm: byName.get(`layers.${l}.inputLayernorm`)!, postAttentionLayernorm: byName.get(`layers.${l}.postAttentionLayernorm`)!,
        qProj: f32(`layers.${l}.qProj`), kProj: f32(`layers.${l}.kProj`), vProj: f32(`layers.${l}.vProj`), oProj: f32(`layers.${l}.oProj`),
        gateProj: f32(`layers.${l}.gateProj`), upProj: f32(`layers.${l}.upProj`), downProj: f32(`layers.${l}.downProj`),
    }));
    if (layers.length === 0) {
        throw new MellamaError("SESSION", "a model needs at least one layer");
    }
    return { config, embedTokens: f32("embedTokens"), layers, norm: byName.get("norm")!, lmHead: f32(config.tieEmbeddings ? "embedTokens" : "lmHead"), bytes };
}
