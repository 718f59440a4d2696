/**
 * Makes an LM from any async `generate(prompt, {maxTokens, until})` function, so a backend is one function:
 * requests run `concurrency` at a time, each result is reported through onResult as it finishes (so the harness
 * caches it at once), and a throw or timeout becomes a failed result instead of failing the run.
 * Not here: retries and rate limits (the openai backend has its own), caching (the harness's).
 *
 * @example
 * const lm = lmFromGenerator("native:/models/me-llama-13b", (prompt, { maxTokens }) => engine.complete(prompt, maxTokens));
 */
import type { GenerateRequest, GenerateResult, LM } from "../api/LM.js";
import { describeError } from "./describeError.js";

export interface GenerateSettings {
    maxTokens: number;
    until: readonly string[];
    temperature: number;
    /** Aborted when the per-request timeout passes. */
    signal?: AbortSignal;
    /** See GenerateRequest.docId (test backends only). */
    docId?: string;
}

export type GenerateFn = (prompt: string, settings: GenerateSettings) => Promise<string>;

export interface LmFromGeneratorOptions {
    /** Requests in flight at once (1 for an in-process engine). */
    concurrency?: number;
    /** Per-request timeout in ms; 0 = none. */
    timeoutMs?: number;
    dispose?: () => Promise<void>;
    /** LM.cacheKey (default: the id). */
    cacheKey?: string;
}

export function lmFromGenerator(id: string, generate: GenerateFn, options: LmFromGeneratorOptions = {}): LM {
    const { concurrency = 1, timeoutMs = 0 } = options;
    const one = async (request: GenerateRequest): Promise<GenerateResult> => {
        const controller = new AbortController();
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
            const work = generate(request.prompt, { maxTokens: request.maxTokens, until: request.until,
                temperature: request.temperature, signal: controller.signal, docId: request.docId });
            const text = timeoutMs > 0
                ? await Promise.race([work, new Promise<never>((_, rejectTimeout) => {
                    timer = setTimeout(() => {
                        controller.abort();
                        rejectTimeout(new Error(`timed out after ${timeoutMs} ms`));
                    }, timeoutMs);
                })])
                : await work;
            if (typeof text !== "string") {
                return { ok: false, error: "generator returned a non-string" };
            }
            return { ok: true, text };
        } catch (error) {
            return { ok: false, error: describeError(error) };
        } finally {
            clearTimeout(timer);
        }
    };
    return {
        id,
        ...(options.cacheKey === undefined ? {} : { cacheKey: options.cacheKey }),
        generateUntil: (requests, onResult) => runPool(requests, concurrency, one, onResult),
        dispose: options.dispose,
    };
}

/** Runs `fn` over the requests with at most `concurrency` in flight; results in request order. */
export async function runPool<Req, Res>(requests: readonly Req[], concurrency: number,
    fn: (request: Req) => Promise<Res>,
    onResult?: (index: number, result: Res) => void): Promise<Res[]> {
    const results: Res[] = new Array<Res>(requests.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < requests.length) {
            const index = next++;
            const result = await fn(requests[index]!);
            results[index] = result;
            onResult?.(index, result);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, requests.length)) }, worker));
    return results;
}
