/**
 * What every route shares: the served models by name, the metrics, the limits, and `job()` — the abort signal of
 * one generation request, fired when its client disconnects (its sequences leave the batch at the next step) or
 * when the request timeout passes.
 */
import type { FastifyReply } from "fastify";
import { OpenaiError } from "./OpenaiError.js";
import type { ServedModel } from "./ServedModel.js";
import { ServeMetrics } from "./ServeMetrics.js";

export interface RequestJob {
    signal: AbortSignal;
    timedOut(): boolean;
    /** The error to answer with when the job was cut short, or undefined. */
    cutShort(): OpenaiError | undefined;
    end(): void;
}

export class ServeContext {
    public readonly metrics = new ServeMetrics();

    public constructor(
        public readonly models: ReadonlyMap<string, ServedModel>,
        /** Per generation request, from arrival to the last byte. */
        public readonly timeoutMs: number,
    ) {}

    public model(name: string): ServedModel {
        const m = this.models.get(name);
        if (m === undefined) {
            throw new OpenaiError(404, `the model '${name.slice(0, 64)}' does not exist; served: ${[...this.models.keys()].join(", ")}`,
                "invalid_request_error", "model", "model_not_found");
        }
        return m;
    }

    public job(reply: FastifyReply): RequestJob {
        const controller = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; controller.abort(); }, this.timeoutMs);
        const onClose = (): void => {
            if (!reply.raw.writableFinished) {
                controller.abort();
            }
        };
        reply.raw.on("close", onClose);
        return {
            signal: controller.signal,
            timedOut: () => timedOut,
            cutShort: () => (timedOut
                ? new OpenaiError(408, `the request took longer than the server's timeout of ${this.timeoutMs / 1000} s`, "timeout_error", null, "request_timeout")
                : undefined),
            end: () => {
                clearTimeout(timer);
                reply.raw.off("close", onClose);
            },
        };
    }
}
