/**
 * The `native` backend: mellama's own engine over any model openModel takes (a Hugging Face directory, a GGUF
 * file, a training checkpoint or run) or an in-memory model, as an LM. Greedy decoding with a KV cache; up to
 * `maxBatch` requests decode together (SequenceBatcher: each weight read once per step for all of them), each
 * answer the same as decoding it alone, so scores do not depend on the batch. A prompt longer than the context
 * keeps its BOS and its last tokens (lm-evaluation-harness truncates from the left the same way), leaving room
 * for the generation. `adapter`: a PEFT LoRA adapter directory, applied unmerged (LoraAdapter). With `chat`, each
 * prompt is one user message rendered with the chat template (the adapter's own, else the model's:
 * tokenizer_config.json chat_template or GGUF tokenizer.chat_template), as `eval --chat` asks; a model without a
 * template is refused rather than given a default one. Cached answers are keyed by the model's (and adapter's)
 * content, not their paths. Multiple-choice and perplexity scoring run on the same session (src/eval/scoring).
 */
import type { LM } from "../api/LM.js";
import { loadForInference, LoraAdapter } from "../../model/inference/index.js";
import type { InferenceSession } from "../../model/inference/InferenceSession.js";
import { SequenceBatcher } from "../../model/inference/SequenceBatcher.js";
import { ConfigError } from "../../errors/MellamaError.js";
import { readChatTemplate } from "../../formats/model/readChatTemplate.js";
import { encodeChat } from "../../tokenizer/chatTemplates.js";
import { sessionLoglikelihood, sessionLoglikelihoodRolling } from "../scoring/sessionScoring.js";
import { lmFromGenerator } from "./lmFromGenerator.js";
import { modelFingerprint } from "../../formats/model/modelFingerprint.js";

export interface NativeLMOptions {
    timeoutMs?: number;
    threads?: number;
    kernels?: "auto" | "native" | "reference";
    /** Requests decoded together, 1..16; default 8. */
    maxBatch?: number;
    /** A PEFT LoRA adapter directory for the model, applied without merging. */
    adapter?: string;
    /** Render each prompt as one user message with the model's chat template. */
    chat?: boolean;
}

/** A prompt's ids: BOS + text, or (with a chat template) the one-user-message conversation as the template renders it. */
export type PromptEncoder = (prompt: string) => number[];

/** The encoder of `eval --chat`: the prompt as one user message, with the generation prompt, in the model's template. */
export function chatPromptEncoder(session: InferenceSession, template: string): PromptEncoder {
    const t = session.tokenizer;
    const options = { template: { jinja: template }, bosToken: t.idToPiece(t.bosId), eosToken: t.idToPiece(t.eosId) };
    return (prompt) => encodeChat(t, [{ role: "user", content: prompt }], options);
}

export interface SessionLMOptions {
    /** Per-request timeout; 0 = none. */
    timeoutMs?: number;
    /** Requests decoded together, 1..16; default 8. */
    maxBatch?: number;
    /** Dispose the session with the LM. */
    ownsSession?: boolean;
    /** Applied to every request, unmerged. */
    adapter?: LoraAdapter | null;
    /** What the response cache keys answers by (default the id). */
    cacheKey?: string;
    /** Default: BOS + the prompt's tokens. */
    encodePrompt?: PromptEncoder;
}

/**
 * A prompt's ids cut to the window: room is kept for min(maxTokens, window - 2) new tokens, and a longer prompt
 * keeps its first id (BOS) and its last ones.
 */
export function fitPrompt(ids: number[], maxContext: number, maxTokens: number): { ids: number[]; truncated: boolean } {
    const room = maxContext - Math.min(maxTokens, maxContext - 2);
    return ids.length <= room ? { ids, truncated: false } : { ids: [ids[0]!, ...ids.slice(ids.length - room + 1)], truncated: true };
}

/** An LM over an inference session: greedy, stop strings, left-truncated prompts, maxBatch requests decoded together. */
export function lmFromSession(id: string, session: InferenceSession, {
    timeoutMs = 0, maxBatch = 8, ownsSession = false, adapter = null, cacheKey,
    encodePrompt = (prompt) => session.tokenizer.encode(prompt, { bos: true }),
}: SessionLMOptions = {}): LM {
    const batcher = new SequenceBatcher(session, { maxBatch });
    const lm = lmFromGenerator(id, async (prompt, { maxTokens, until, temperature, signal }) => {
        const { ids } = fitPrompt(encodePrompt(prompt), session.maxContext, maxTokens);
        const out = await batcher.generate(ids, { maxTokens: Math.min(maxTokens, session.maxContext - ids.length),
            stop: until, temperature, ...(signal ? { signal } : {}),
            ...(adapter === null ? {} : { adapter }) });
        return out.text;
    }, { concurrency: maxBatch, timeoutMs, ...(ownsSession ? { dispose: () => Promise.resolve(session.dispose()) } : {}),
        ...(cacheKey === undefined ? {} : { cacheKey }) });
    return {
        ...lm,
        promptTruncated: (request) => fitPrompt(encodePrompt(request.prompt), session.maxContext, request.maxTokens).truncated,
        loglikelihood: (requests, onResult) => sessionLoglikelihood(session, requests, onResult, adapter),
        loglikelihoodRolling: (texts, onResult) => sessionLoglikelihoodRolling(session, texts, onResult, adapter),
    };
}

export async function createNativeLM(path: string, options: NativeLMOptions = {}): Promise<LM> {
    const template = options.chat !== true ? undefined
        : (options.adapter === undefined ? undefined : readChatTemplate(options.adapter)) ?? readChatTemplate(path);
    if (options.chat === true && template === undefined) {
        throw new ConfigError("--chat", `${path} carries no chat template (tokenizer_config.json chat_template or GGUF tokenizer.chat_template)`);
    }
    const session = await loadForInference(path, {
        ...(options.kernels === undefined ? {} : { kernels: options.kernels }), ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    let adapter: LoraAdapter | null;
    try {
        adapter = options.adapter === undefined ? null : LoraAdapter.load(options.adapter, session.config, options.adapter);
    } catch (error) {
        session.dispose();
        throw error;
    }
    const suffix = `${options.adapter === undefined ? "" : `#${options.adapter}`}${template === undefined ? "" : ";chat"}`;
    return lmFromSession(`native:${path}${suffix}`, session, {
        timeoutMs: options.timeoutMs ?? 0, maxBatch: options.maxBatch ?? 8, ownsSession: true, adapter,
        cacheKey: `native:${modelFingerprint(path)}${options.adapter === undefined ? "" : `#${modelFingerprint(options.adapter)}`}${template === undefined ? "" : ";chat"}`,
        ...(template === undefined ? {} : { encodePrompt: chatPromptEncoder(session, template.jinja) }),
    });
}
