/**
 * The `openai` backend: any OpenAI-compatible server (vLLM, TGI, llama.cpp server, Ollama, hosted APIs) through
 * `/v1/completions` (default) or `/v1/chat/completions` (one user message, as Me-LLaMA's ChatLM). Requests run
 * `concurrency` at a time, start no faster than `rateLimit` per second, time out after `timeoutMs`, and are
 * retried with exponential backoff (or the server's Retry-After) on network errors, timeouts, 408/409/429/5xx and
 * garbage bodies (bad JSON, no choices). A request that still fails becomes a failed sample; the run goes on. Greedy: temperature 0, top_p 1.
 */
import { refuseUrlCredentials } from "../../util/refuseUrlCredentials.js";
import type { GenerateRequest, GenerateResult, LM } from "../api/LM.js";
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

    const attempt = async (request: GenerateRequest): Promise<string> => {
        await waitForSlot();
        const body: Record<string, unknown> = { model, max_tokens: request.maxTokens, temperature: request.temperature, top_p: 1 };
        if (chat) {
            body.messages = [{ role: "user", content: request.prompt }];
        } else {
            body.prompt = request.prompt;
        }
        if (request.until.length > 0) {
            body.stop = request.until;
        }
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
                response = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify(body), signal: controller.signal });
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
            const error = `HTTP ${response.status} from ${endpoint}`;
            throw retryable ? new RetryableError(error, retryAfterMs(response.headers.get("retry-after"))) : new Error(error);
        }
        return extractText(text, chat);
    };

    const one = async (request: GenerateRequest): Promise<GenerateResult> => {
        let last = "";
        for (let i = 0; i <= retries; i++) {
            try {
                return { ok: true, text: await attempt(request) };
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

    return {
        id: `openai:${root.href.replace(/\/+$/, "")}#${model}${chat ? ";chat" : ""}`,
        generateUntil: (requests, onResult) => runPool(requests, concurrency, one, onResult),
    };
}

/** The generated text of a completions or chat-completions body; garbage is a retryable error naming the field. */
export function extractText(body: string, chat: boolean): string {
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
    const first = choices[0] as { text?: unknown; message?: { content?: unknown } } | null;
    const text = chat ? first?.message?.content : first?.text;
    if (typeof text !== "string") {
        throw new RetryableError(`response has no string choices[0].${chat ? "message.content" : "text"}`);
    }
    return text;
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
