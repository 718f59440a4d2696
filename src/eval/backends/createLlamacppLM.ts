/**
 * The `llamacpp` backend: a GGUF file through node-llama-cpp (optional dependency), greedy completion of the raw
 * prompt, one request at a time (one context). Any failure to load the library, its binary or the model is a
 * BackendUnavailableError that says what to do; nothing falls back silently.
 */
import { existsSync } from "node:fs";
import type { GenerateRequest, LM } from "../api/LM.js";
import { BackendUnavailableError } from "./BackendUnavailableError.js";
import { describeError } from "./describeError.js";
import { lmFromGenerator } from "./lmFromGenerator.js";
import { modelFingerprint } from "../../formats/model/modelFingerprint.js";
import type { LlamacppSequence } from "../scoring/llamacppScoring.js";
import { createLlamacppScorer } from "../scoring/llamacppScoring.js";
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";

interface LlamaCppModule {
    getLlama(options?: Record<string, unknown>): Promise<{
        loadModel(options: { modelPath: string }): Promise<{
            createContext(options: { threads?: number; experimentalKvCacheKeyType?: string; experimentalKvCacheValueType?: string; flashAttention?: boolean }):
                Promise<{ readonly contextSize: number; getSequence(): LlamacppSequence; dispose(): Promise<void> }>;
            tokenize(text: string): number[];
            readonly tokens: { readonly bos: number | null; readonly eos: number | null };
            dispose(): Promise<void>;
        }>;
    }>;
    LlamaCompletion: new (options: { contextSequence: unknown }) => {
        generateCompletion(prompt: string, options: { maxTokens: number; temperature: number; signal?: AbortSignal;
            customStopTriggers?: string[]; }): Promise<string>;
    };
}

export async function createLlamacppLM(modelPath: string, options: { timeoutMs?: number; threads?: number } = {}): Promise<LM> {
    if (!existsSync(modelPath)) {
        throw new BackendUnavailableError("llamacpp", `no GGUF file at ${modelPath}`);
    }
    let mod: LlamaCppModule;
    try {
        // A variable specifier keeps tsc from requiring the optional package's types.
        const name = "node-llama-cpp";
        mod = await import(name) as LlamaCppModule;
    } catch (error) {
        throw new BackendUnavailableError("llamacpp", `node-llama-cpp is not installed (${describeError(error)}). `
            + "HINT: npm install node-llama-cpp, or use openai:URL against a llama.cpp server.", { cause: error });
    }
    try {
        const llama = await mod.getLlama({ build: "never" });
        const model = await llama.loadModel({ modelPath });
        // An F32 KV cache and no flash attention: llama.cpp's defaults round K, V (and Q) to F16, which moves
        // log-likelihoods by ~1e-3 and breaks parity with the native backend's F32 cache.
        const context = await model.createContext({ ...(options.threads === undefined ? {} : { threads: options.threads }),
            experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false });
        const sequence = context.getSequence();
        const completion = new mod.LlamaCompletion({ contextSequence: sequence });
        const bos = model.tokens.bos;
        const tokenizer: Pick<Tokenizer, "bosId" | "encode"> = { bosId: bos ?? -1, encode: (text: string, o?: { bos?: boolean }) => [...(o?.bos === true && bos !== null ? [bos] : []), ...model.tokenize(text)] };
        // One slot kept free: node-llama-cpp shifts the context (dropping early tokens) when an evaluation fills the
        // last slot, which changes the last row's logits; scoring inputs are cut to contextSize - 1 instead.
        const scorer = createLlamacppScorer(sequence, tokenizer, context.contextSize - 1);
        const lm = lmFromGenerator(`llamacpp:${modelPath}`, (prompt, settings) => completion.generateCompletion(prompt, {
            maxTokens: settings.maxTokens, temperature: 0, signal: settings.signal,
            ...(settings.until.length > 0 ? { customStopTriggers: [...settings.until] } : {}),
        }), { concurrency: 1, timeoutMs: options.timeoutMs, dispose: async () => { await context.dispose(); await model.dispose(); },
            cacheKey: `llamacpp:${modelFingerprint(modelPath)}` });
        // The same rule as the native backend's: BOS + prompt beside min(maxTokens, window - 2) new tokens
        // (node-llama-cpp then drops the prompt's start to make room).
        const promptTruncated = (request: GenerateRequest): boolean =>
            tokenizer.encode(request.prompt, { bos: true }).length > context.contextSize - Math.min(request.maxTokens, context.contextSize - 2);
        return { ...lm, promptTruncated, loglikelihood: scorer.loglikelihood, loglikelihoodRolling: scorer.loglikelihoodRolling };
    } catch (error) {
        throw new BackendUnavailableError("llamacpp", `node-llama-cpp could not load its binary or the model (${describeError(error)}). `
            + "HINT: run `npx node-llama-cpp source download` to build llama.cpp here, or serve the GGUF with llama.cpp's "
            + "server and use openai:http://host:port.", { cause: error });
    }
}
