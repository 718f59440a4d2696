/**
 * The `native` backend: mellama's own engine over any model openModel takes (a Hugging Face directory, a GGUF
 * file, a training checkpoint or run) or an in-memory model, as an LM. Greedy decoding with a KV cache; up to
 * `maxBatch` requests decode together (SequenceBatcher: each weight read once per step for all of them), each
 * answer the same as decoding it alone, so scores do not depend on the batch. A prompt longer than the context
 * keeps its BOS and its last tokens (lm-evaluation-harness truncates from the left the same way), leaving room
 * for the generation. Multiple-choice and perplexity scoring run on the same session (src/eval/scoring).
 */
import type { LM } from "../api/LM.js";
import { loadForInference } from "../../model/inference/index.js";
import type { InferenceSession } from "../../model/inference/InferenceSession.js";
import { SequenceBatcher } from "../../model/inference/SequenceBatcher.js";
import { sessionLoglikelihood, sessionLoglikelihoodRolling } from "../scoring/sessionScoring.js";
import { lmFromGenerator } from "./lmFromGenerator.js";

export interface NativeLMOptions {
    timeoutMs?: number;
    threads?: number;
    kernels?: "auto" | "native" | "reference";
    /** Requests decoded together, 1..16; default 8. */
    maxBatch?: number;
}

/** An LM over an inference session: greedy, stop strings, left-truncated prompts, maxBatch requests decoded together. */
export function lmFromSession(id: string, session: InferenceSession, timeoutMs = 0, maxBatch = 8, ownsSession = false): LM {
    const batcher = new SequenceBatcher(session, { maxBatch });
    const lm = lmFromGenerator(id, async (prompt, { maxTokens, until, temperature, signal }) => {
        let ids = session.tokenizer.encode(prompt, { bos: true });
        const room = session.maxContext - Math.min(maxTokens, session.maxContext - 2);
        if (ids.length > room) {
            ids = [ids[0]!, ...ids.slice(ids.length - room + 1)];
        }
        const out = await batcher.generate(ids, { maxTokens: Math.min(maxTokens, session.maxContext - ids.length), stop: until, temperature, ...(signal ? { signal } : {}) });
        return out.text;
    }, { concurrency: maxBatch, timeoutMs, ...(ownsSession ? { dispose: () => Promise.resolve(session.dispose()) } : {}) });
    return {
        ...lm,
        loglikelihood: (requests, onResult) => sessionLoglikelihood(session, requests, onResult),
        loglikelihoodRolling: (texts, onResult) => sessionLoglikelihoodRolling(session, texts, onResult),
    };
}

export async function createNativeLM(path: string, options: NativeLMOptions = {}): Promise<LM> {
    const session = await loadForInference(path, {
        ...(options.kernels === undefined ? {} : { kernels: options.kernels }), ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    return lmFromSession(`native:${path}`, session, options.timeoutMs ?? 0, options.maxBatch ?? 8, true);
}
