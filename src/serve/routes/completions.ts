/**
 * POST /v1/completions: one or more prompts (text, which gets BOS as LLaMA-2 expects, or token ids, taken as
 * given), n choices each, streamed as server-sent events or answered as one text_completion object. `echo` puts
 * the prompt before each choice's text; `logprobs` scores the tokens after generation (see scoreTokens), with
 * echo the prompt's too. Streaming with logprobs sends them in one chunk before the finishing one.
 */
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { answerChoices } from "../answerChoices.js";
import { completionLogprobs } from "../completionLogprobs.js";
import { completionRequest } from "../completionRequest.js";
import { keptTokens } from "../keptTokens.js";
import { tokenTexts } from "../tokenTexts.js";
import { OpenaiError } from "../OpenaiError.js";
import { parseBody } from "../parseBody.js";
import type { ChoiceSpec } from "../runChoices.js";
import { samplingOf } from "../samplingOf.js";
import { scoreTokens } from "../scoreTokens.js";
import type { ServeContext } from "../ServeContext.js";
import { usageOf } from "../usageOf.js";

export async function completions(ctx: ServeContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const startedAt = performance.now();
    const body = parseBody(completionRequest, request.body);
    const model = ctx.model(body.model);
    const sampling = samplingOf(body);
    const n = body.n ?? 1;
    if (body.best_of !== null && body.best_of !== undefined && body.best_of !== n) {
        throw new OpenaiError(400, "'best_of' other than n is not supported by this server", "invalid_request_error", "best_of", "unsupported_parameter");
    }
    const tokenizer = model.session.tokenizer;
    const raw = body.prompt;
    const prompts: { ids: number[]; text: string; bosAdded: boolean }[] = typeof raw === "string"
        ? [{ ids: tokenizer.encode(raw, { bos: true }), text: raw, bosAdded: true }]
        : raw.length > 0 && typeof raw[0] === "number"
            ? [{ ids: raw as number[], text: "", bosAdded: false }]
            : (raw as (string | number[])[]).map((p) => typeof p === "string"
                ? { ids: tokenizer.encode(p, { bos: true }), text: p, bosAdded: true } : { ids: p, text: "", bosAdded: false });
    prompts.forEach((p, i) => {
        model.checkPrompt(p.ids, prompts.length === 1 ? "prompt" : `prompt[${i}]`);
        if (!p.bosAdded) {
            p.text = tokenizer.decode(p.ids);
        }
    });
    const choices: ChoiceSpec[] = prompts.flatMap((p, pi) => Array.from({ length: n }, (_, j) => ({
        index: pi * n + j, promptIds: p.ids, seed: sampling.seed + j, maxTokens: model.maxTokensFor(p.ids.length, body.max_tokens, 16, "max_tokens"),
    })));
    model.admit(choices.length);
    ctx.metrics.count("mellama_prompt_tokens_total", { model: model.name }, prompts.reduce((a, p) => a + p.ids.length, 0));
    const id = `cmpl-${randomUUID().replaceAll("-", "")}`;
    const created = Math.floor(Date.now() / 1000);
    const head = { id, object: "text_completion", created, model: model.name };
    const wantLogprobs = body.logprobs !== null && body.logprobs !== undefined;
    const promptOf = (c: ChoiceSpec): { ids: number[]; text: string; bosAdded: boolean } => prompts[Math.floor(c.index / n)]!;
    return answerChoices({ ctx, reply, model, choices, sampling, startedAt, stream: body.stream === true,
        includeUsage: body.stream_options?.include_usage === true, format: {
            head,
            chunkHead: head,
            opening: body.echo ? choices.map((c) => ({ text: promptOf(c).text, index: c.index, logprobs: null, finish_reason: null })) : [],
            pieceJson: (index, text) => `{"text":${JSON.stringify(text)},"index":${index},"logprobs":null,"finish_reason":null}`,
            emptyChoice: (index, logprobs, finishReason) => ({ text: "", index, logprobs, finish_reason: finishReason }),
            answeredChoice: (c, out, logprobs, finishReason) => ({
                text: (body.echo ? promptOf(c).text : "") + out.text, index: c.index, logprobs, finish_reason: finishReason,
            }),
            logprobs: async (c, out, signal) => {
                if (!wantLogprobs) {
                    return null;
                }
                const p = promptOf(c);
                const kept = keptTokens(tokenizer, out.tokens, out.text);
                const top = body.logprobs!;
                const gen = await scoreTokens(model.session, model.adapter, c.promptIds, kept, top, signal);
                // The generated tokens read as the choice's text does (decoded on their own: SentencePiece drops the
                // first one's leading space), so the token texts concatenate to the text and text_offset indexes it.
                const genTexts = tokenTexts(tokenizer, kept);
                if (!body.echo) {
                    return completionLogprobs(tokenizer, kept, genTexts, gen, 0);
                }
                // Echo: the prompt's tokens (after the BOS this server added, which is not part of the text) come first.
                // A token-id prompt's first token has no context to be scored in: its logprob is null.
                const shown = p.bosAdded ? p.ids.slice(1) : p.ids;
                const promptScored = await scoreTokens(model.session, model.adapter, p.ids.slice(0, 1), p.ids.slice(1), top, signal);
                const promptTexts = tokenTexts(tokenizer, shown, p.bosAdded ? p.ids.slice(0, 1) : []);
                return completionLogprobs(tokenizer, [...shown, ...kept], [...promptTexts, ...genTexts], [...promptScored, ...gen], p.bosAdded ? 0 : 1);
            },
            usage: (outs) => usageOf(prompts.map((p) => p.ids.length), outs.map((o) => o.tokens.length)),
        } });
}
