/**
 * POST /v1/chat/completions: the messages rendered with the model's own chat template (a model without one is
 * refused, naming --chat-template), n choices, streamed as chat.completion.chunk events or answered as one
 * chat.completion object. `logprobs: true` (with `top_logprobs`) scores the answer's tokens after generation;
 * when streaming they come in one chunk before the finishing one.
 */
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";
import { chatCompletionRequest } from "../chatCompletionRequest.js";
import { chatMessages } from "../chatMessages.js";
import { keptTokens } from "../keptTokens.js";
import { OpenaiError } from "../OpenaiError.js";
import { parseBody } from "../parseBody.js";
import { type ChoiceSpec, runChoices } from "../runChoices.js";
import { samplingOf } from "../samplingOf.js";
import { scoreTokens, type TokenLogprob } from "../scoreTokens.js";
import type { ServeContext } from "../ServeContext.js";
import { SseWriter } from "../SseWriter.js";
import { pieceText, tokenTexts } from "../tokenTexts.js";
import { usageOf } from "../usageOf.js";

export async function chatCompletions(ctx: ServeContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const startedAt = performance.now();
    const body = parseBody(chatCompletionRequest, request.body);
    const model = ctx.model(body.model);
    const sampling = samplingOf(body);
    const n = body.n ?? 1;
    const promptIds = model.encodeChat(chatMessages(body.messages));
    if (promptIds.length === 0) {
        throw new OpenaiError(400, "the messages render to an empty prompt", "invalid_request_error", "messages", "invalid_value");
    }
    model.checkPrompt(promptIds, "messages");
    const maxTokens = model.maxTokensFor(promptIds.length, body.max_completion_tokens ?? body.max_tokens, model.session.maxContext,
        body.max_completion_tokens === null || body.max_completion_tokens === undefined ? "max_tokens" : "max_completion_tokens");
    const choices: ChoiceSpec[] = Array.from({ length: n }, (_, j) => ({ index: j, promptIds, seed: sampling.seed + j, maxTokens }));
    model.admit(n);
    ctx.metrics.count("mellama_prompt_tokens_total", { model: model.name }, promptIds.length);
    const head = { id: `chatcmpl-${randomUUID().replaceAll("-", "")}`, created: Math.floor(Date.now() / 1000), model: model.name, system_fingerprint: null };
    const job = ctx.job(reply);
    const tokenizer = model.session.tokenizer;
    const logprobsOf = async (tokens: number[], text: string): Promise<unknown> => {
        if (body.logprobs !== true) {
            return null;
        }
        const kept = keptTokens(tokenizer, tokens, text);
        return { content: chatLogprobs(tokenizer, kept,
            await scoreTokens(model.session, model.adapter, promptIds, kept, body.top_logprobs ?? 0, job.signal),
            promptIds), refusal: null };
    };
    const finish = (reason: string): string => (reason === "length" ? "length" : "stop");
    try {
        if (body.stream === true) {
            reply.hijack();
            const sse = new SseWriter(reply.raw);
            const chunk = { ...head, object: "chat.completion.chunk" };
            const pre = `${JSON.stringify(chunk).slice(0, -1)},"choices":[{"index":`;
            for (const c of choices) {
                sse.send({ ...chunk, choices: [{ index: c.index, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] });
            }
            const outs = await runChoices({ model, choices, sampling, signal: job.signal, metrics: ctx.metrics, startedAt,
                // Per token: the chunk as a string around the text (the same JSON as the object form, without building the object).
                onText: (index, content) => sse.sendJson(`${pre}${index},"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}`) });
            const cut = job.cutShort();
            if (cut !== undefined) {
                sse.fail(cut.body());
                return reply;
            }
            for (const [i, c] of choices.entries()) {
                const out = outs[i]!;
                if (body.logprobs === true) {
                    sse.send({ ...chunk, choices: [{ index: c.index, delta: {}, logprobs: await logprobsOf(out.tokens, out.text), finish_reason: null }] });
                }
                sse.send({ ...chunk, choices: [{ index: c.index, delta: {}, logprobs: null, finish_reason: finish(out.finishReason) }] });
            }
            if (body.stream_options?.include_usage === true) {
                sse.send({ ...chunk, choices: [], usage: usageOf([promptIds.length], outs.map((o) => o.tokens.length)) });
            }
            sse.done();
            return reply;
        }
        const outs = await runChoices({ model, choices, sampling, signal: job.signal, metrics: ctx.metrics, startedAt });
        const cut = job.cutShort();
        if (cut !== undefined) {
            throw cut;
        }
        const answered = await Promise.all(choices.map(async (c, i) => ({
            index: c.index,
            message: { role: "assistant", content: outs[i]!.text, refusal: null },
            logprobs: await logprobsOf(outs[i]!.tokens, outs[i]!.text),
            finish_reason: finish(outs[i]!.finishReason),
        })));
        return { ...head, object: "chat.completion", choices: answered, usage: usageOf([promptIds.length], outs.map((o) => o.tokens.length)) };
    } finally {
        job.end();
    }
}

/**
 * OpenAI's chat logprobs content: per token its text, log-probability, UTF-8 bytes and top alternatives. A byte
 * token of a character split over several carries its own byte (<0xE2> -> [226]) though its text is "" (the
 * character is the text of the token that completes it), so the bytes concatenate to the text's UTF-8.
 */
function chatLogprobs(tokenizer: Tokenizer, ids: readonly number[], scored: readonly TokenLogprob[], prefix: readonly number[]): unknown[] {
    const bytes = (s: string): number[] => [...Buffer.from(s, "utf8")];
    const texts = tokenTexts(tokenizer, ids, prefix);
    const byteOf = (id: number): number | null => {
        const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(tokenizer.idToPiece(id));
        return m === null ? null : Number.parseInt(m[1]!, 16);
    };
    const ownBytes = texts.map((token, i) => {
        const b = byteOf(ids[i]!);
        return b === null ? bytes(token) : [b];
    });
    return texts.map((token, i) => ({
        token, logprob: scored[i]?.logprob ?? null, bytes: ownBytes[i]!,
        top_logprobs: (scored[i]?.top ?? []).map((t) => ({ token: pieceText(tokenizer, t.id), logprob: t.logprob, bytes: bytes(pieceText(tokenizer, t.id)) })),
    }));
}
