/**
 * The `native` backend: mellama's own engine over any model openModel takes (a Hugging Face directory, a GGUF
 * file, a training checkpoint or run) or an in-memory model, as an LM. Greedy decoding with a KV cache; up to
 * `maxBatch` requests decode together (SequenceBatcher: each weight read once per step for all of them), each
 * answer the same as decoding it alone, so scores do not depend on the batch. A prompt longer than the context
 * keeps its BOS and its last tokens (lm-evaluation-harness truncates from the left the same way), leaving room
 * for the generation. With `chat`, each prompt is one user message rendered with the model's own chat template
 * (tokenizer_config.json chat_template or GGUF tokenizer.chat_template), as `eval --chat` asks; a model without a
 * template is refused rather than given a default one.
 */
import type { LM } from "../api/LM.js";
import { loadForInference } from "../../model/inference/index.js";
import type { InferenceSession } from "../../model/inference/InferenceSession.js";
import { SequenceBatcher } from "../../model/inference/SequenceBatcher.js";
import { ConfigError } from "../../errors/MellamaError.js";
import { readChatTemplate } from "../../formats/model/readChatTemplate.js";
import { encodeChat } from "../../tokenizer/chatTemplates.js";
import { lmFromGenerator } from "./lmFromGenerator.js";

export interface NativeLMOptions {
    timeoutMs?: number;
    threads?: number;
    kernels?: "auto" | "native" | "reference";
    /** Requests decoded together, 1..16; default 8. */
    maxBatch?: number;
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

/** An LM over an inference session: greedy, stop strings, left-truncated prompts, maxBatch requests decoded together. */
export function lmFromSession(id: string, session: InferenceSession, timeoutMs = 0, maxBatch = 8, ownsSession = false,
    encodePrompt: PromptEncoder = (prompt) => session.tokenizer.encode(prompt, { bos: true })): LM {
    const batcher = new SequenceBatcher(session, { maxBatch });
    return lmFromGenerator(id, async (prompt, { maxTokens, until, temperature, signal }) => {
        let ids = encodePrompt(prompt);
        const room = session.maxContext - Math.min(maxTokens, session.maxContext - 2);
        if (ids.length > room) {
            ids = [ids[0]!, ...ids.slice(ids.length - room + 1)];
        }
        const out = await batcher.generate(ids, { maxTokens: Math.min(maxTokens, session.maxContext - ids.length), stop: until, temperature, ...(signal ? { signal } : {}) });
        return out.text;
    }, { concurrency: maxBatch, timeoutMs, ...(ownsSession ? { dispose: () => Promise.resolve(session.dispose()) } : {}) });
}

export async function createNativeLM(path: string, options: NativeLMOptions = {}): Promise<LM> {
    const template = options.chat === true ? readChatTemplate(path) : undefined;
    if (options.chat === true && template === undefined) {
        throw new ConfigError("--chat", `${path} carries no chat template (tokenizer_config.json chat_template or GGUF tokenizer.chat_template)`);
    }
    const session = await loadForInference(path, {
        ...(options.kernels === undefined ? {} : { kernels: options.kernels }), ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    return lmFromSession(`native:${path}${template === undefined ? "" : ";chat"}`, session, options.timeoutMs ?? 0, options.maxBatch ?? 8, true,
        ...(template === undefined ? [] : [chatPromptEncoder(session, template.jinja)]));
}
