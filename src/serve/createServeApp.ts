/**
 * The fastify application of `mellama serve`: the OpenAI-compatible routes, /health, /metrics, the web page and
 * the run browser, with the cross-cutting rules in one place — JSON bodies must be valid UTF-8 and under the body
 * limit, a configured API key is required on everything but `/` and /health, every failure is OpenAI's error
 * object (4xx for the client's faults), and the access log names method, route, status and time only (never a
 * body: requests and answers may be clinical text).
 *
 * @example
 * const app = createServeApp({ models: new Map([["m", servedModel]]) });
 * await app.listen({ host: "127.0.0.1", port: 8080 });
 */
import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { OpenaiError } from "./OpenaiError.js";
import { chatCompletions } from "./routes/chatCompletions.js";
import { completions } from "./routes/completions.js";
import { registerInfoRoutes } from "./routes/infoRoutes.js";
import { registerRunsBrowser } from "./routes/runsBrowser.js";
import { ServeContext } from "./ServeContext.js";
import type { ServedModel } from "./ServedModel.js";

export interface ServeAppOptions {
    models: ReadonlyMap<string, ServedModel>;
    /** Required as `Authorization: Bearer KEY` when set. */
    apiKey?: string;
    /** Evaluation runs to browse (run directories with results.json). */
    runsDir?: string;
    /** Largest request body in bytes; default 1 MiB. */
    bodyLimit?: number;
    /** Per generation request, arrival to last byte; default 10 minutes. */
    timeoutMs?: number;
    /** One line per answered request (method, route, status, ms); default none. */
    log?: (line: string) => void;
}

/** Security headers of the HTML pages: nothing loads from anywhere but this server. */
export const PAGE_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
        + "frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
};

export function createServeApp({ models, apiKey, runsDir, bodyLimit = 1024 * 1024, timeoutMs = 600_000, log }: ServeAppOptions): FastifyInstance {
    const app = Fastify({ logger: false, bodyLimit, return503OnClosing: true, forceCloseConnections: true });
    const ctx = new ServeContext(models, timeoutMs);
    const utf8 = new TextDecoder("utf-8", { fatal: true });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(["application/json", "text/plain"], { parseAs: "buffer" }, (_request, body: Buffer, done) => {
        let text: string;
        try {
            text = utf8.decode(body);
        } catch {
            done(new OpenaiError(400, "the request body is not valid UTF-8"), undefined);
            return;
        }
        try {
            done(null, JSON.parse(text));
        } catch {
            done(new OpenaiError(400, "the request body is not valid JSON (we could not parse it)"), undefined);
        }
    });
    const keyBytes = apiKey === undefined ? undefined : Buffer.from(apiKey);
    app.addHook("onRequest", async (request) => {
        const path = request.url.split("?")[0]!;
        if (keyBytes === undefined || path === "/" || path === "/health" || path === "/favicon.ico") {
            return;
        }
        const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "");
        if (given.length !== keyBytes.length || !timingSafeEqual(given, keyBytes)) {
            throw new OpenaiError(401, "incorrect or missing API key: send Authorization: Bearer <key>", "authentication_error", null, "invalid_api_key");
        }
    });
    app.addHook("onResponse", async (request, reply) => {
        const route = request.routeOptions.url ?? "(none)";
        ctx.metrics.count("mellama_requests_total", { route, status: reply.statusCode });
        if (route === "/v1/completions" || route === "/v1/chat/completions") {
            ctx.metrics.observe("mellama_request_duration_seconds", { route }, reply.elapsedTime / 1000);
        }
        log?.(`${request.method} ${route} ${reply.statusCode} ${reply.elapsedTime.toFixed(0)}ms`);
    });
    app.setErrorHandler((error, _request, reply) => {
        const e = toOpenaiError(error);
        if (e.status >= 500) {
            log?.(`error: ${error instanceof Error ? `${error.name}: ${error.message}` : "unknown"}`);
        }
        if (reply.raw.headersSent) { // a stream that had started: end it with an error event
            if (!reply.raw.writableEnded) {
                reply.raw.end(`data: ${JSON.stringify(e.body())}\n\n`);
            }
            return;
        }
        if (e.retryAfter !== undefined) {
            void reply.header("retry-after", String(e.retryAfter));
        }
        void reply.status(e.status).send(e.body());
    });
    app.setNotFoundHandler((request, reply) => {
        void reply.status(404).send(new OpenaiError(404, `no route ${request.method} ${request.url.split("?")[0]!.slice(0, 100)}`, "not_found_error").body());
    });
    const guard = (handler: (ctx: ServeContext, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
        async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
            try {
                return await handler(ctx, request, reply);
            } catch (error) {
                if (!reply.raw.headersSent) {
                    throw error;
                }
                // Streaming had begun (the reply is hijacked): the error handler no longer runs.
                if (!reply.raw.writableEnded) {
                    reply.raw.end(`data: ${JSON.stringify(toOpenaiError(error).body())}\n\n`);
                }
                return reply;
            }
        };
    app.post("/v1/completions", guard(completions));
    app.post("/v1/chat/completions", guard(chatCompletions));
    registerInfoRoutes(app, ctx, PAGE_HEADERS);
    registerRunsBrowser(app, runsDir, PAGE_HEADERS);
    return app;
}

/** OpenaiError as is; fastify's own 4xx (body too large, bad content type) mapped; anything else a 500. */
function toOpenaiError(error: unknown): OpenaiError {
    if (error instanceof OpenaiError) {
        return error;
    }
    const e = error as { statusCode?: number; code?: string };
    if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
        return new OpenaiError(413, "the request body is larger than this server accepts", "invalid_request_error", null, "request_too_large");
    }
    if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
        return new OpenaiError(415, "send the request body as application/json", "invalid_request_error", null, "unsupported_media_type");
    }
    if (e.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || e.code === "FST_ERR_CTP_INVALID_CONTENT_LENGTH") {
        return new OpenaiError(400, "the request body is empty or its length is wrong");
    }
    if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
        return new OpenaiError(e.statusCode, `bad request (${e.code ?? e.statusCode})`);
    }
    return new OpenaiError(500, "the server failed to answer this request", "server_error", null, "internal_error");
}
