/**
 * LM: what the evaluation harness asks of a model backend (lm-evaluation-harness's interface).
 * Backends: native (mellama's engine), llamacpp (node-llama-cpp), openai (any OpenAI-compatible server),
 * and echo/oracle backends for tests. Not here: caching (the harness wraps any LM in the SQLite cache).
 */
export interface GenerateRequest {
    /** The full prompt text, already formatted by the task (and the optional model-prompt wrapper). */
    prompt: string;
    /** Stop strings; empty means stop only at EOS or maxTokens (Me-LLaMA passes none). */
    until: string[];
    /** Maximum new tokens (Me-LLaMA: 256 for open models). */
    maxTokens: number;
    /** 0 = greedy (Me-LLaMA evaluates greedily). */
    temperature: number;
    /**
     * `<task>/<doc id>` of the doc this prompt was built for. Only the oracle test backend reads it (MTSamples holds
     * the same note under two specialties, so a prompt alone cannot name its gold); never sent to a server and
     * not part of the cache key.
     */
    docId?: string;
}

export interface LoglikelihoodRequest {
    context: string;
    continuation: string;
}

export interface LoglikelihoodResult {
    logprob: number;
    isGreedy: boolean;
}

/** The outcome of one request: text, or a failure the harness records as a failed sample. */
export type GenerateResult = { ok: true; text: string } | { ok: false; error: string };

export interface LM {
    /** Stable identity of the model and its settings; part of every cache key. */
    readonly id: string;
    /**
     * What cached answers are keyed by, where `id` names something whose content can change (a model path): the
     * backend and a fingerprint of the model's bytes, so changed weights are never answered from the cache.
     */
    readonly cacheKey?: string;
    /**
     * Answers requests; calls onResult as each finishes (any order) so the harness can cache it at once.
     * Must not throw for one bad request: return { ok: false } for it.
     */
    generateUntil(requests: readonly GenerateRequest[],
        onResult?: (index: number, result: GenerateResult) => void): Promise<GenerateResult[]>;
    /** Where the backend can score continuations. */
    loglikelihood?(requests: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]>;
    dispose?(): Promise<void>;
}
