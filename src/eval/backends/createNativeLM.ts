/**
 * The `native` backend: mellama's own engine over a Hugging Face checkpoint directory (config.json,
 * model.safetensors, tokenizer) or an in-memory model, as an LM. Greedy decoding with a KV cache; up to
 * `maxBatch` requests decode together (SequenceBatcher: each weight read once per step for all of them), each
 * answer the same as decoding it alone, so scores do not depend on the batch. A prompt longer than the context
 * keeps its BOS and its last tokens (lm-evaluation-harness truncates from the left the same way), leaving room
 * for the generation.
 */
import type { LM } from "../api/LM.js";
import { getKernelSet } from "../../kernels/index.js";
import { InferenceSession } from "../../model/inference/InferenceSession.js";
import { SequenceBatcher } from "../../model/inference/SequenceBatcher.js";
import { LlamaModel } from "../../model/LlamaModel.js";
import { loadTokenizer } from "../../tokenizer/loadTokenizer.js";
import { loadHfModel } from "../../train/loadHfModel.js";
import { FormatError } from "../../errors/MellamaError.js";
import { lmFromGenerator } from "./lmFromGenerator.js";

export interface NativeLMOptions {
    timeoutMs?: number;
    threads?: number;
    kernels?: "auto" | "native" | "reference";
    /** Requests decoded together, 1..16; default 8. */
    maxBatch?: number;
}

/** An LM over an inference session: greedy, stop strings, left-truncated prompts, maxBatch requests decoded together. */
export function lmFromSession(id: string, session: InferenceSession, timeoutMs = 0, maxBatch = 8): LM {
    const batcher = new SequenceBatcher(session, { maxBatch });
    return lmFromGenerator(id, async (prompt, { maxTokens, until, temperature, signal }) => {
        let ids = session.tokenizer.encode(prompt, { bos: true });
        const room = session.maxContext - Math.min(maxTokens, session.maxContext - 2);
        if (ids.length > room) {
            ids = [ids[0]!, ...ids.slice(ids.length - room + 1)];
        }
        const out = await batcher.generate(ids, { maxTokens: Math.min(maxTokens, session.maxContext - ids.length), stop: until, temperature, ...(signal ? { signal } : {}) });
        return out.text;
    }, { concurrency: maxBatch, timeoutMs });
}

export async function createNativeLM(path: string, options: NativeLMOptions = {}): Promise<LM> {
    const hf = loadHfModel(path);
    const tokenizer = loadTokenizer(path);
    const kernels = getKernelSet({ kind: options.kernels ?? "auto", threads: options.threads });
    const model = new LlamaModel({ config: hf.config, kernels, maxBatch: 1, maxT: 1, training: false });
    for (const spec of model.layout) {
        const w = hf.weights.get(spec.hfName);
        if (w === undefined) {
            throw new FormatError(`${path}/model.safetensors`, spec.hfName, "missing");
        }
        model.tensor(spec.name).set(w);
    }
    return lmFromSession(`native:${path}`, new InferenceSession({ model, tokenizer }), options.timeoutMs ?? 0, options.maxBatch ?? 8);
}
