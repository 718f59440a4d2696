/**
 * The `native` backend: mellama's own engine over any model openModel takes (a Hugging Face directory, a GGUF
 * file, a training checkpoint or run) or an in-memory model, as an LM. Greedy decoding with a KV cache; up to
 * `maxBatch` requests decode together (SequenceBatcher: each weight read once per step for all of them), each
 * answer the same as decoding it alone, so scores do not depend on the batch. A prompt longer than the context
 * keeps its BOS and its last tokens (lm-evaluation-harness truncates from the left the same way), leaving room
 * for the generation. `adapter`: a PEFT LoRA adapter directory, applied unmerged (LoraAdapter).
 */
import type { LM } from "../api/LM.js";
import { loadForInference, LoraAdapter } from "../../model/inference/index.js";
import type { InferenceSession } from "../../model/inference/InferenceSession.js";
import { SequenceBatcher } from "../../model/inference/SequenceBatcher.js";
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
}

/** An LM over an inference session (with `adapter` if not null): greedy, stop strings, left-truncated prompts, maxBatch requests decoded together. */
export function lmFromSession(id: string, session: InferenceSession, timeoutMs = 0, maxBatch = 8, ownsSession = false, adapter: LoraAdapter | null = null, cacheKey?: string): LM {
    const batcher = new SequenceBatcher(session, { maxBatch });
    return lmFromGenerator(id, async (prompt, { maxTokens, until, temperature, signal }) => {
        let ids = session.tokenizer.encode(prompt, { bos: true });
        const room = session.maxContext - Math.min(maxTokens, session.maxContext - 2);
        if (ids.length > room) {
            ids = [ids[0]!, ...ids.slice(ids.length - room + 1)];
        }
        const out = await batcher.generate(ids, { maxTokens: Math.min(maxTokens, session.maxContext - ids.length), stop: until, temperature, ...(signal ? { signal } : {}),
            ...(adapter === null ? {} : { adapter }) });
        return out.text;
    }, { concurrency: maxBatch, timeoutMs, ...(ownsSession ? { dispose: () => Promise.resolve(session.dispose()) } : {}), ...(cacheKey === undefined ? {} : { cacheKey }) });
}

export async function createNativeLM(path: string, options: NativeLMOptions = {}): Promise<LM> {
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
    return lmFromSession(`native:${path}${options.adapter === undefined ? "" : `#${options.adapter}`}`, session, options.timeoutMs ?? 0, options.maxBatch ?? 8, true, adapter,
        `native:${modelFingerprint(path)}${options.adapter === undefined ? "" : `#${modelFingerprint(options.adapter)}`}`);
}
