/**
 * Server-sent events on a raw HTTP response, as OpenAI streams: `data: {json}\n\n` per chunk, `data: [DONE]\n\n`
 * at the end; an error after the stream has started is one `data: {"error": ...}` event, then the end.
 * Writes after the client has gone are dropped.
 */
import type { ServerResponse } from "node:http";
import type { OpenaiErrorBody } from "./OpenaiError.js";

export class SseWriter {
    private readonly res: ServerResponse;

    public constructor(res: ServerResponse, headers: Record<string, string> = {}) {
        this.res = res;
        res.writeHead(200, {
            ...headers,
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
            "connection": "keep-alive",
            "x-accel-buffering": "no", // proxies (nginx) must not hold chunks back
        });
        res.flushHeaders();
    }

    public get open(): boolean {
        return !this.res.destroyed && !this.res.writableEnded;
    }

    public send(chunk: object): void {
        this.sendJson(JSON.stringify(chunk));
    }

    /** A chunk already serialized (the per-token path builds it from a prefix and the text: no object per token). */
    public sendJson(json: string): void {
        if (this.open) {
            this.res.write(`data: ${json}\n\n`);
        }
    }

    public done(): void {
        if (this.open) {
            this.res.end("data: [DONE]\n\n");
        }
    }

    public fail(error: OpenaiErrorBody): void {
        if (this.open) {
            this.res.end(`data: ${JSON.stringify(error)}\n\n`);
        }
    }
}
