/**
 * The `openai` backend: any OpenAI-compatible server (vLLM, TGI, llama.cpp server, Ollama, hosted APIs) through
 * `/v1/completions` (default) or `/v1/chat/completions` (one user message, as Me-LLaMA's ChatLM). Requests run
 * `concurrency` at a time, start no faster than `rateLimit` per second, time out after `timeoutMs`, and are
 * retried with exponential backoff (or the server's Retry-After) on network errors, timeouts, 408/409/429/5xx and
 * garbage bodies (bad JSON, no choices). A request that still fails becomes a failed sample; the run goes on. Greedy: temperature 0, top_p 1.
 */
import { refuseUrlCredentials } from "../../util/refuseUrlCredentials.js";
import type { GenerateRequest, GenerateResult, LM, LoglikelihoodRequest, LoglikelihoodResult, RollingResult } from "../api/LM.js";
import { splitTrailingSpace } from "../scoring/encodePair.js";
import { ConfigError } from "../../errors/MellamaError.js";
import { describeError } from "./describeError.js";
import { runPool } from "./lmFromGenerator.js";

export interface OpenaiLMOptions {
    /** Server root, e.g. http://localhost:8000 (a trailing /v1 is accepted). */
    baseUrl: string;
    /** The `model` field sent to the server. */
    model?: string;
    chat?: boolean;
    apiKey?: string;
    concurrency?: number;
    timeoutMs?: number;
    /** Retries after the first attempt. */
    retries?: number;
    /** Requests started per second at most; 0 = unlimited. */
    rateLimit?: number;
    /** First backoff; doubles per retry, capped at 30 s. */
    backoffMs?: number;
}

class RetryableError extends Error {
    /** The server's Retry-After, in ms, when it sent one (429/503). */
    public constructor(message: string, public readonly retryAfterMs?: number) {
        super(message);
    }
}

function retryAfterMs(header: string | null): number | undefined {
    const seconds = header === null ? NaN : Number(header);
    return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 60_000) : undefined;
}

export function createOpenaiLM(options: OpenaiLMOptions): LM {
    const { model = "default", chat = false, apiKey, concurrency = 8, timeoutMs = 120_000, retries = 3,
        rateLimit = 0, backoffMs = 500 } = options;
    refuseUrlCredentials("model", options.baseUrl);
    let root: URL;
    try {
        root = new URL(options.baseUrl.replace(/\/+$/, "").replace(/\/v1$/, ""));
    } catch {
        throw new ConfigError("model", `openai: "${options.baseUrl}" is not a URL (expected openai:http://host:port[#model])`);
    }
    const endpoint = `${root.href.replace(/\/+$/, "")}/v1/${chat ? "chat/completions" : "completions"}`;
    let nextStart = 0;
    const waitForSlot = async (): Promise<void> => {
        if (rateLimit <= 0) {
            return;
        }
        const now = Date.now();
        const start = Math.max(now, nextStart);
        nextStart = start + 1000 / rateLimit;
        if (start > now) {
            await sleep(start - now);
        }
    };

    const generateBody = (request: GenerateRequest): Record<string, unknown> => {
        const body: Record<string, unknown> = { model, max_tokens: request.maxTokens, temperature: request.temperature, top_p: 1 };
        if (chat) {
            body.messages = [{ role: "user", content: request.prompt }];
        } else {
            body.prompt = request.prompt;
        }
        if (request.until.length > 0) {
            body.stop = request.until;
        }
        return body;
    };

    /** One POST to `url`; the body's text, or a (retryable) error naming the status. */
    const attempt = async (url: string, body: Record<string, unknown>): Promise<string> => {
        await waitForSlot();
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (apiKey !== undefined && apiKey !== "") {
            headers.authorization = `Bearer ${apiKey}`;
        }
        // A plain controller and timer: Node 20's AbortSignal.timeout() makes a transferable signal, a measurable
        // cost per request at hundreds of requests per second (bench:eval).
        const controller = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
        let response: Response;
        let text: string;
        try {
            try {
                response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal: controller.signal });
            } catch (error) {
                throw new RetryableError(timedOut ? `request timed out after ${timeoutMs} ms` : `network error: ${describeError(error)}`);
            }
            try {
                text = await response.text();
            } catch {
                throw new RetryableError(timedOut ? `request timed out after ${timeoutMs} ms` : `HTTP ${response.status}: body could not be read`);
            }
        } finally {
            clearTimeout(timer);
        }
        if (!response.ok) {
            const retryable = response.status === 408 || response.status === 409 || response.status === 429 || response.status >= 500;
            // The body is not quoted: servers echo the prompt in some error bodies.
            const error = `HTTP ${response.status} from ${url}`;
            throw retryable ? new RetryableError(error, retryAfterMs(response.headers.get("retry-after"))) : new Error(error);
        }
        return text;
    };

    /** attempt() with retries; `parse` may throw a RetryableError for a garbage body, or a plain Error to stop. */
    const withRetries = async <T>(url: string, body: Record<string, unknown>,
        parse: (text: string) => T): Promise<{ ok: true; value: T } | { ok: false; error: string }> => {
        let last = "";
        for (let i = 0; i <= retries; i++) {
            try {
                return { ok: true, value: parse(await attempt(url, body)) };
            } catch (error) {
                last = error instanceof Error ? error.message : String(error);
                if (!(error instanceof RetryableError) || i === retries) {
                    break;
                }
                await sleep(error.retryAfterMs ?? Math.min(30_000, backoffMs * 2 ** i));
            }
        }
        return { ok: false, error: `${last} (after ${retries} retries)` };
    };

    const one = async (request: GenerateRequest): Promise<GenerateResult> => {
        const result = await withRetries(endpoint, generateBody(request), (text) => extractText(text, chat));
        return result.ok ? { ok: true, text: result.value } : result;
    };

    // Scoring needs the legacy completions endpoint (echo + logprobs), whatever `chat` says: chat endpoints cannot echo.
    const completions = `${root.href.replace(/\/+$/, "")}/v1/completions`;
    const scoreBody = (prompt: string): Record<string, unknown> => ({ model, prompt, max_tokens: 1, temperature: 0, logprobs: 1, echo: true });
    const scoreOne = async (request: LoglikelihoodRequest): Promise<LoglikelihoodResult> => {
        const pair = splitTrailingSpace(request.context, request.continuation);
        const prompt = pair.context + pair.continuation;
        const result = await withRetries(completions, scoreBody(prompt), (text) => echoedSpan(text, pair.context.length, prompt.length));
        if (!result.ok) {
            return result;
        }
        if (result.value.tokens === 0) {
            return { ok: false, error: "the continuation tokenizes to nothing (an empty choice?)" };
        }
        return { ok: true, logprob: result.value.logprob, isGreedy: result.value.isGreedy, truncated: false };
    };
    const rollingOne = async (text: string): Promise<RollingResult> => {
        const result = await withRetries(completions, scoreBody(text), (body) => echoedSpan(body, 0, text.length));
        return result.ok ? { ok: true, logprob: result.value.logprob, tokens: result.value.tokens, windows: 1 } : result;
    };

    return {
        id: `openai:${root.href.replace(/\/+$/, "")}#${model}${chat ? ";chat" : ""}`,
        generateUntil: (requests, onResult) => runPool(requests, concurrency, one, onResult),
        loglikelihood: (requests, onResult) => runPool(requests, concurrency, scoreOne, onResult),
        loglikelihoodRolling: (texts, onResult) => runPool(texts, concurrency, rollingOne, onResult),
    };
}

/** choices[0] of a response body; garbage (not JSON, no choices) is a retryable error. */
function firstChoice(body: string): unknown {
    let value: unknown;
    try {
        value = JSON.parse(body);
    } catch {
        throw new RetryableError("response is not JSON");
    }
    const choices = (value as { choices?: unknown } | null)?.choices;
    if (!Array.isArray(choices) || choices.length === 0) {
        throw new RetryableError("response has no choices");
    }
    return choices[0];
}

/** The generated text of a completions or chat-completions body; garbage is a retryable error naming the field. */
export function extractText(body: string, chat: boolean): string {
    const first = firstChoice(body) as { text?: unknown; message?: { content?: unknown } } | null;
    const text = chat ? first?.message?.content : first?.text;
    if (typeof text !== "string") {
        throw new RetryableError(`response has no string choices[0].${chat ? "message.content" : "text"}`);
    }
    return text;
}

/**
 * The echoed prompt's tokens whose text starts in [from, to) (the continuation; with from = 0, the whole text but
 * its first token, which has no context and a null logprob), from an OpenAI legacy `logprobs` object: summed
 * token_logprobs and whether each was the top alternative. A body without logprobs or text_offset means the
 * server does not do completions with echo + logprobs: a plain (not retried) error that says so.
 */
export function echoedSpan(body: string, from: number, to: number): { logprob: number; isGreedy: boolean; tokens: number } {
    const lp = (firstChoice(body) as { logprobs?: unknown } | null)?.logprobs as
        { tokens?: unknown; token_logprobs?: unknown; top_logprobs?: unknown; text_offset?: unknown } | null | undefined;
    if (lp === null || lp === undefined || !Array.isArray(lp.token_logprobs) || !Array.isArray(lp.text_offset) || !Array.isArray(lp.tokens)) {
        throw new Error("the server returned no choices[0].logprobs {tokens, token_logprobs, text_offset} for echo: true, logprobs: 1: "
            + "it does not support scoring by completions with echo + logprobs (vLLM and `mellama serve` do; OpenAI's chat models do not)");
    }
    const tops = Array.isArray(lp.top_logprobs) ? lp.top_logprobs as unknown[] : [];
    let logprob = 0;
    let isGreedy = true;
    let tokens = 0;
    for (let i = 0; i < lp.text_offset.length; i++) {
        const offset = lp.text_offset[i] as unknown;
        const score = lp.token_logprobs[i] as unknown;
        if (typeof offset !== "number" || offset < from || offset >= to || score === null) {
            continue;
        }
        if (typeof score !== "number") {
            throw new RetryableError(`choices[0].logprobs.token_logprobs[${i}] is not a number`);
        }
        logprob += score;
        tokens++;
        const top = tops[i] as Record<string, number> | null | undefined;
        if (top !== null && top !== undefined && typeof top === "object") {
            const best = Object.entries(top).reduce<[string, number] | null>((b, e) => (b === null || e[1] > b[1] ? e : b), null);
            isGreedy &&= best === null || best[0] === lp.tokens[i];
        }
    }
    return { logprob, isGreedy, tokens };
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
