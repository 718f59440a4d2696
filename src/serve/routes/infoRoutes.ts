/**
 * The routes that do not generate: GET /v1/models (and /v1/models/:model), GET /health, GET /metrics (Prometheus
 * text), GET / (the web page) and POST /api/render (a conversation rendered with a model's chat template, for the
 * page's "show prompt"; the text goes back to the client only).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { chatMessages } from "../chatMessages.js";
import { chatCompletionRequest } from "../chatCompletionRequest.js";
import { parseBody } from "../parseBody.js";
import type { ServeContext } from "../ServeContext.js";
import type { ServedModel } from "../ServedModel.js";
import { WEB_PAGE } from "../webPage.js";

const renderRequest = z.object({ model: chatCompletionRequest.shape.model, messages: chatCompletionRequest.shape.messages });

export function registerInfoRoutes(app: FastifyInstance, ctx: ServeContext, pageHeaders: Record<string, string>): void {
    const describe = (m: ServedModel): Record<string, unknown> => ({
        id: m.name, object: "model", created: m.created, owned_by: "mellama",
        max_model_len: m.session.maxContext, chat_template: m.chatTemplate === undefined ? null : m.chatTemplate.from,
        // A LoRA adapter names the base it runs on (as vLLM lists its LoRA modules).
        parent: m.parent,
    });
    app.get("/v1/models", async () => ({ object: "list", data: [...ctx.models.values()].map(describe) }));
    app.get<{ Params: { model: string } }>("/v1/models/:model", async (request) => describe(ctx.model(request.params.model)));
    app.get("/health", async () => ({ status: "ok", models: [...ctx.models.keys()] }));
    app.get("/metrics", async (_request, reply) => {
        const models = [...ctx.models.values()];
        const depth = Object.fromEntries(models.map((m) => [m.name, m.pending]));
        // One batcher per base model: an adapter's steps are its base's.
        const bases = models.filter((m) => m.parent === null).map((m) => [m.name, m.session.batcher.stepCounts] as const);
        return reply.type("text/plain; version=0.0.4; charset=utf-8").send(ctx.metrics.render({
            mellama_queue_depth: depth,
            mellama_decode_steps_total: Object.fromEntries(bases.map(([name, c]) => [name, c.steps])),
            mellama_decode_rows_total: Object.fromEntries(bases.map(([name, c]) => [name, c.rows])),
        }));
    });
    app.get("/", async (_request, reply) => reply.headers(pageHeaders).type("text/html; charset=utf-8").send(WEB_PAGE));
    app.post("/api/render", async (request) => {
        const body = parseBody(renderRequest, request.body);
        const model = ctx.model(body.model);
        const messages = chatMessages(body.messages);
        return { prompt: model.renderChat(messages), tokens: model.encodeChat(messages).length };
    });
}
