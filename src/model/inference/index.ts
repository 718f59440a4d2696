/**
 * The inference API the eval harness's `native` backend, `mellama generate` and the recipe call.
 *
 * - `loadForInference(path)` opens a Hugging Face directory (config.json + safetensors + tokenizer) or a GGUF file
 *   (config from llama.*, tokenizer from tokenizer.ggml.*, q/k un-permuted back to HF layout). F16/BF16/Q8_0
 *   linear weights stay in that storage and run through the decode kernels (`weights: "f32"` dequantizes instead);
 *   the embedding and norms are F32. The model's F32 arena holds every parameter too (prefill batches run
 *   the F32 GEMM, which beats dequantizing per block when compute-bound); "packed-only" leaves it unfilled.
 * - `createInferenceSession({config, weights, tokenizer})` serves F32 weights already in memory (by HF tensor name,
 *   or a LlamaModel whose parameter arena is used in place), e.g. a model that was just trained.
 *
 * A session prepends BOS to text prompts (LLaMA-2 convention), prefills the prompt as one matmul batch and decodes
 * one token per step over a KV cache. `generate` and `generateBatch` go through one SequenceBatcher per session:
 * sequences in flight at the same time (a batch, or concurrent generate calls) decode together, each weight read
 * once per step for all of them; outputs are the same as generating each alone.
 */
import { existsSync, statSync } from "node:fs";
import { FormatError } from "../../errors/MellamaError.js";
import { GgufFile } from "../../formats/gguf/GgufFile.js";
import { GgmlType } from "../../formats/gguf/ggufTypes.js";
import { ggufVocab, llamaConfigFromGguf } from "../../formats/gguf/llamaGguf.js";
import { unpermuteQkFromGguf } from "../../formats/gguf/permuteQk.js";
import { isGgufPath } from "../../formats/hf/exportModel.js";
import { ggufToHfName } from "../../formats/hfNames.js";
import { getKernelSet } from "../../kernels/index.js";
import { loadTokenizer } from "../../tokenizer/loadTokenizer.js";
import { SentencePieceBpe } from "../../tokenizer/SentencePieceBpe.js";
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";
import { loadHfModel } from "../../train/loadHfModel.js";
import type { LlamaConfig } from "../LlamaConfig.js";
import { LlamaModel } from "../LlamaModel.js";
import { InferenceSession as KvCacheSession, type GenerateOptions, type GenerateOutput, type PackedWeight } from "./InferenceSession.js";
import { SequenceBatcher } from "./SequenceBatcher.js";

export { ContextLengthError, MAX_DECODE_BATCH, applyRepetitionPenalty, sample } from "./InferenceSession.js";
export { KvCacheSession, SequenceBatcher };
export type { GenerateOptions, GenerateOutput, PackedWeight };

export interface InferenceSession {
    readonly tokenizer: Tokenizer;
    readonly config: LlamaConfig;
    /** Longest prompt + generation this session holds. */
    readonly maxContext: number;
    /** BOS is prepended to the prompt. Concurrent calls decode together (see SessionOptions.maxBatch). */
    generate(prompt: string, options: GenerateOptions): Promise<GenerateOutput>;
    /** The prompts decoded together, maxBatch at a time; each output as if generated alone. */
    generateBatch(prompts: readonly string[], options: GenerateOptions): Promise<GenerateOutput[]>;
    /** Next-token logits after the token sequence (given as is: include BOS yourself). */
    logits(tokens: readonly number[]): Float32Array;
    loglikelihood(context: string, continuation: string): { logprob: number; isGreedy: boolean };
    /** exp(mean negative log-likelihood) of the text's tokens after BOS. */
    perplexity(text: string): number;
    /** The underlying KV-cache session (for generateFromIds and step). */
    readonly kv: KvCacheSession;
    /** The scheduler behind generate and generateBatch (for prompts already tokenized). */
    readonly batcher: SequenceBatcher;
    dispose(): void;
}

export interface SessionOptions {
    threads?: number;
    kernels?: "auto" | "native" | "reference";
    /** Longest prompt + generation; default the model's maxSeqLen. */
    maxContext?: number;
    /** Prompt tokens per prefill matmul batch; default 512. */
    prefillChunk?: number;
    /** Sequences decoded together by generate/generateBatch, 1..16 (each keeps its own KV cache); default 8. */
    maxBatch?: number;
    /**
     * GGUF only: "packed" (default) keeps F16/BF16/Q8_0 linear weights as stored for decoding and also fills the
     * (already allocated) F32 tensors for prefill GEMMs; "packed-only" leaves those F32 tensors empty (decode
     * kernels for prefill too); "f32" dequantizes everything.
     */
    weights?: "packed" | "packed-only" | "f32";
}

export interface InMemoryModel {
    config: LlamaConfig;
    /** F32 weights by HF tensor name, or a LlamaModel (its arena is used in place, not copied). */
    weights: ReadonlyMap<string, Float32Array> | LlamaModel;
    tokenizer: Tokenizer;
    /** Linear weights kept in GGUF storage, by HF tensor name (HF row order); these need no F32 entry. */
    packed?: ReadonlyMap<string, PackedWeight>;
    /** Where the weights came from, for error messages. */
    source?: string;
}

export function createInferenceSession({ config, weights, tokenizer, packed: packedByHf = new Map(), source = "weights" }: InMemoryModel, options: SessionOptions = {}): InferenceSession {
    let model: LlamaModel;
    if (weights instanceof LlamaModel) {
        model = weights;
    } else {
        model = new LlamaModel({ config, kernels: getKernelSet({ kind: options.kernels ?? "auto", threads: options.threads }), maxBatch: 1, maxT: 1, training: false });
        for (const spec of model.layout) {
            if (packedByHf.has(spec.hfName) && !weights.has(spec.hfName)) {
                continue;
            }
            const w = weights.get(spec.hfName);
            if (w === undefined) {
                throw new FormatError(source, spec.hfName, "missing");
            }
            if (w.length !== model.tensor(spec.name).length) {
                throw new FormatError(source, spec.hfName, `has ${w.length} values, the config needs ${model.tensor(spec.name).length}`);
            }
            model.tensor(spec.name).set(w);
        }
    }
    const packed = new Map<string, PackedWeight>();
    const f32Also = new Set<string>();
    for (const spec of model.layout) {
        const p = packedByHf.get(spec.hfName);
        if (p !== undefined) {
            packed.set(spec.name, p);
            if (!(weights instanceof LlamaModel) && weights.has(spec.hfName)) {
                f32Also.add(spec.name);
            }
        }
    }
    const kv = new KvCacheSession({ model, tokenizer, packed, f32Also, ...(options.maxContext === undefined ? {} : { maxContext: options.maxContext }),
        ...(options.prefillChunk === undefined ? {} : { prefillChunk: options.prefillChunk }) });
    return wrap(kv, config, new SequenceBatcher(kv, options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }));
}

function wrap(kv: KvCacheSession, config: LlamaConfig, batcher: SequenceBatcher): InferenceSession {
    const encode = (prompt: string): number[] => kv.tokenizer.encode(prompt, { bos: true });
    return {
        tokenizer: kv.tokenizer,
        config,
        maxContext: kv.maxContext,
        kv,
        batcher,
        generate: (prompt, options) => batcher.generate(encode(prompt), options),
        generateBatch: (prompts, options) => Promise.all(prompts.map((p) => batcher.generate(encode(p), options))),
        logits: (tokens) => kv.logits(tokens),
        loglikelihood: (context, continuation) => kv.loglikelihood(context, continuation),
        perplexity: (text) => {
            const ids = kv.tokenizer.encode(text, { bos: true });
            let nll = 0;
            const one = new Int32Array(1);
            let logits = kv.step(Int32Array.from(ids.slice(0, 1)), 0);
            for (let i = 1; i < ids.length; i++) {
                nll -= logSoftmaxAt(logits, ids[i]!);
                one[0] = ids[i]!;
                if (i + 1 < ids.length) {
                    logits = kv.step(one, i);
                }
            }
            return Math.exp(nll / Math.max(1, ids.length - 1));
        },
        dispose: () => undefined, // buffers are plain typed arrays; nothing native to release
    };
}

function logSoftmaxAt(logits: Float32Array, target: number): number {
    let max = -Infinity;
    for (const v of logits) {
        max = v > max ? v : max;
    }
    let sum = 0;
    for (const v of logits) {
        sum += Math.exp(v - max);
    }
    return logits[target]! - max - Math.log(sum);
}

/** For each HF row of a q/k projection, the GGUF row holding it (the converter's permutation is a row shuffle). */
function ggufRowOrder(rows: number, heads: number): Int32Array {
    return Int32Array.from(unpermuteQkFromGguf(Float32Array.from({ length: rows }, (_, i) => i), rows, 1, heads));
}

/** Copies the stored bytes into `out` (aligned for Uint16Array), moving whole rows into HF order when `order` is given. */
function packRows(out: Uint8Array, bytes: Uint8Array, type: PackedWeight["type"], rows: number, order: Int32Array | undefined): PackedWeight {
    const rowBytes = bytes.byteLength / rows;
    for (let r = 0; r < rows; r++) {
        const from = order === undefined ? r : order[r]!;
        out.set(bytes.subarray(from * rowBytes, (from + 1) * rowBytes), r * rowBytes);
    }
    return type === "Q8_0" ? { type, data: out } : { type, data: new Uint16Array(out.buffer, out.byteOffset, out.byteLength / 2) };
}

/** A Hugging Face model directory or a GGUF file, with its tokenizer, as a session. */
export function loadForInference(path: string, options: SessionOptions = {}): Promise<InferenceSession> {
    if (!existsSync(path)) {
        return Promise.reject(new FormatError(path, "path", "no such file or directory"));
    }
    if (!statSync(path).isDirectory() && isGgufPath(path)) {
        using gguf = GgufFile.open(path);
        const config = llamaConfigFromGguf(gguf);
        const vocab = ggufVocab(gguf);
        if (vocab === undefined) {
            throw new FormatError(path, "tokenizer.ggml.tokens", "missing: the GGUF carries no tokenizer");
        }
        const tokenizer = new SentencePieceBpe({
            pieces: [...vocab.pieces],
            trainer: { modelType: 2, vocabSize: vocab.pieces.length, byteFallback: vocab.pieces.some((p) => /^<0x[0-9A-F]{2}>$/.test(p.piece)), splitDigits: false,
                unkId: vocab.unkId, bosId: vocab.bosId, eosId: vocab.eosId, padId: vocab.padId ?? -1, raw: [] },
            normalizer: { name: "identity", addDummyPrefix: true, removeExtraWhitespaces: false, escapeWhitespaces: true, hasCharsmap: false, raw: [] },
        });
        const weights = new Map<string, Float32Array>();
        const packed = new Map<string, PackedWeight>();
        const storageOf = (t: (typeof gguf.tensors)[number]): PackedWeight["type"] | undefined =>
            ({ [GgmlType.F16]: "F16", [GgmlType.BF16]: "BF16", [GgmlType.Q8_0]: "Q8_0" } as Record<number, PackedWeight["type"]>)[t.type as number];
        const packs = (t: (typeof gguf.tensors)[number]): boolean => options.weights !== "f32" && storageOf(t) !== undefined && t.dims.length === 2
            && ggufToHfName(t.name) !== undefined && ggufToHfName(t.name) !== "model.embed_tokens.weight";
        // Every packed weight in one arena (64-byte aligned slots): decoding streams all of them per token, and one
        // large buffer is what huge pages can back (separate 1-3 MB tensors mostly straddle 2 MiB boundaries).
        let arenaBytes = 0;
        for (const t of gguf.tensors) {
            arenaBytes += packs(t) ? Math.ceil(t.byteSize / 64) * 64 : 0;
        }
        const arena = new Uint8Array(arenaBytes);
        let arenaAt = 0;
        for (const t of gguf.tensors) {
            const hfName = ggufToHfName(t.name);
            if (hfName === undefined) {
                continue; // rope_freqs and the like: derived, not weights
            }
            const rows = t.dims[1] ?? 1;
            const cols = t.dims[0]!;
            const heads = hfName.endsWith("q_proj.weight") ? config.nHeads : hfName.endsWith("k_proj.weight") ? config.nKvHeads : undefined;
            if (packs(t)) {
                const bytes = gguf.readBytes(t.name);
                const slot = arena.subarray(arenaAt, arenaAt + bytes.byteLength);
                arenaAt += Math.ceil(bytes.byteLength / 64) * 64;
                packed.set(hfName, packRows(slot, bytes, storageOf(t)!, rows, heads === undefined ? undefined : ggufRowOrder(rows, heads)));
                if (options.weights === "packed-only") {
                    continue;
                }
            }
            const w = gguf.readF32(t.name);
            weights.set(hfName, heads === undefined ? w : unpermuteQkFromGguf(w, rows, cols, heads));
        }
        return Promise.resolve(createInferenceSession({ config, weights, tokenizer, packed, source: path }, options));
    }
    const hf = loadHfModel(path);
    return Promise.resolve(createInferenceSession({ config: hf.config, weights: hf.weights, tokenizer: loadTokenizer(path), source: path }, options));
}
