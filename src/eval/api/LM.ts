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

/**
 * lm-eval's loglikelihood request: log p(continuation | context). Trailing whitespace of the context belongs to the
 * continuation (lm-eval's _encode_pair), and a backend truncates context + continuation from the left to its window.
 */
export interface LoglikelihoodRequest {
    context: string;
    continuation: string;
}

/**
 * A scored continuation (isGreedy: greedy decoding would produce it; truncated: the context was cut from the left to
 * fit the window), or a failure the harness records (a choice that tokenizes to nothing, a server without logprobs).
 */
export type LoglikelihoodResult = { ok: true; logprob: number; isGreedy: boolean; truncated: boolean } | { ok: false; error: string };

/** lm-eval's loglikelihood_rolling: the summed log-probability of a whole text over disjoint windows, and their count. */
export type RollingResult = { ok: true; logprob: number; tokens: number; windows: number } | { ok: false; error: string };

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
    /**
     * Where the backend can score continuations (multiple choice). Requests sharing a context are scored with the
     * context run once where the backend allows; onResult as for generateUntil.
     */
    loglikelihood?(requests: readonly LoglikelihoodRequest[],
        onResult?: (index: number, result: LoglikelihoodResult) => void): Promise<LoglikelihoodResult[]>;
    /**
     * Where the backend tokenizes prompts itself (native, llamacpp): whether it cuts this generation request's prompt
     * from the left, because BOS + prompt do not fit the window beside the room kept for maxTokens. A pure function
     * of the request and the model, so a run answered from the cache counts the same prompts as the first run.
     */
    promptTruncated?(request: GenerateRequest): boolean;
    /** Where the backend can score whole texts (perplexity): lm-eval's loglikelihood_rolling. */
    loglikelihoodRolling?(texts: readonly string[], onResult?: (index: number, result: RollingResult) => void): Promise<RollingResult[]>;
    dispose?(): Promise<void>;
}
