/**
 * POST /v1/chat/completions: the messages rendered with the model's own chat template (a model without one is
 * refused, naming --chat-template), n choices, streamed as chat.completion.chunk events or answered as one
 * chat.completion object. `logprobs: true` (with `top_logprobs`) scores the answer's tokens after generation;
 * when streaming they come in one chunk before the finishing one.
 */
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";
import { answerChoices } from "../answerChoices.js";
import { chatCompletionRequest } from "../chatCompletionRequest.js";
import { chatMessages } from "../chatMessages.js";
import { keptTokens } from "../keptTokens.js";
import { OpenaiError } from "../OpenaiError.js";
import { parseBody } from "../parseBody.js";
import type { ChoiceSpec } from "../runChoices.js";
import { samplingOf } from "../samplingOf.js";
import { scoreTokens, type TokenLogprob } from "../scoreTokens.js";
import type { ServeContext } from "../ServeContext.js";
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
    const tokenizer = model.session.tokenizer;
    const chunkHead = { ...head, object: "chat.completion.chunk" };
    return answerChoices({ ctx, reply, model, choices, sampling, startedAt, stream: body.stream === true,
        includeUsage: body.stream_options?.include_usage === true, format: {
            head: { ...head, object: "chat.completion" },
            chunkHead,
            opening: choices.map((c) => ({ index: c.index, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null })),
            pieceJson: (index, content) => `{"index":${index},"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}`,
            emptyChoice: (index, logprobs, finishReason) => ({ index, delta: {}, logprobs, finish_reason: finishReason }),
            answeredChoice: (c, out, logprobs, finishReason) => ({
                index: c.index, message: { role: "assistant", content: out.text, refusal: null }, logprobs, finish_reason: finishReason,
            }),
            logprobs: async (_c, out, signal) => {
                if (body.logprobs !== true) {
                    return null;
                }
                const kept = keptTokens(tokenizer, out.tokens, out.text);
                return { content: chatLogprobs(tokenizer, kept,
                    await scoreTokens(model.session, model.adapter, promptIds, kept, body.top_logprobs ?? 0, signal), promptIds), refusal: null };
            },
            usage: (outs) => usageOf([promptIds.length], outs.map((o) => o.tokens.length)),
        } });
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
