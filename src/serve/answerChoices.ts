/**
 * The part /v1/completions and /v1/chat/completions share once a request is parsed and admitted: run its choices
 * through the batcher under the request's job (client gone or timeout: the sequences leave at the next step), then
 * answer either as server-sent events — the opening chunks, one chunk per text piece, per choice its logprobs chunk
 * (when asked) and its finishing chunk, the usage chunk when `stream_options.include_usage`, `[DONE]` — or as one
 * JSON body. The route supplies only its OpenAI shapes (ChoiceFormat), so both endpoints stream the same way.
 * A job cut short by the timeout ends a stream with the error event, or answers 408 when nothing was sent yet.
 */
import type { FastifyReply } from "fastify";
import type { GenerateOutput } from "../model/inference/index.js";
import { type ChoiceSpec, runChoices, type Sampling } from "./runChoices.js";
import type { ServeContext } from "./ServeContext.js";
import type { ServedModel } from "./ServedModel.js";
import { SseWriter } from "./SseWriter.js";

export type FinishReason = "stop" | "length";

export interface ChoiceFormat {
    /** The fields a whole (not streamed) response starts with: id, object, created, model, … */
    head: Record<string, unknown>;
    /** The fields every streamed chunk starts with. */
    chunkHead: Record<string, unknown>;
    /** Streaming: the choice objects sent before generation, one chunk each (chat: the role; completions: the echoed prompt). */
    opening: readonly object[];
    /**
     * Streaming, per token: the JSON of the choice object that carries `text` for choice `index`, built as a string
     * (the same JSON as the object form, without an object per token).
     */
    pieceJson: (index: number, text: string) => string;
    /** Streaming: a choice object without text, carrying logprobs or the finish reason. */
    emptyChoice: (index: number, logprobs: unknown, finishReason: FinishReason | null) => object;
    /** Not streaming: one finished choice of the body. */
    answeredChoice: (choice: ChoiceSpec, out: GenerateOutput, logprobs: unknown, finishReason: FinishReason) => object;
    /** A finished choice's logprobs object, or null when the request did not ask for them. */
    logprobs: (choice: ChoiceSpec, out: GenerateOutput, signal: AbortSignal) => Promise<unknown>;
    /** The usage object of all choices. */
    usage: (outs: readonly GenerateOutput[]) => object;
}

export interface AnswerChoicesOptions {
    ctx: ServeContext;
    reply: FastifyReply;
    model: ServedModel;
    choices: readonly ChoiceSpec[];
    sampling: Sampling;
    /** performance.now() when the request arrived. */
    startedAt: number;
    stream: boolean;
    includeUsage: boolean;
    format: ChoiceFormat;
}

/** The response body when not streaming; the hijacked reply when streaming (fastify then sends nothing itself). */
export async function answerChoices({ ctx, reply, model, choices, sampling, startedAt, stream, includeUsage, format }: AnswerChoicesOptions): Promise<unknown> {
    const job = ctx.job(reply);
    const finish = (out: GenerateOutput): FinishReason => (out.finishReason === "length" ? "length" : "stop");
    try {
        if (!stream) {
            const outs = await runChoices({ model, choices, sampling, signal: job.signal, metrics: ctx.metrics, startedAt });
            const cut = job.cutShort();
            if (cut !== undefined) {
                throw cut;
            }
            const answered = await Promise.all(choices.map(async (c, i) => {
                const out = outs[i]!;
                return format.answeredChoice(c, out, await format.logprobs(c, out, job.signal), finish(out));
            }));
            return { ...format.head, choices: answered, usage: format.usage(outs) };
        }
        reply.hijack();
        const sse = new SseWriter(reply.raw);
        const chunk = (choice: object): object => ({ ...format.chunkHead, choices: [choice] });
        for (const choice of format.opening) {
            sse.send(chunk(choice));
        }
        const pre = `${JSON.stringify(format.chunkHead).slice(0, -1)},"choices":[`;
        const outs = await runChoices({ model, choices, sampling, signal: job.signal, metrics: ctx.metrics, startedAt,
            onText: (index, text) => sse.sendJson(`${pre}${format.pieceJson(index, text)}]}`) });
        const cut = job.cutShort();
        if (cut !== undefined) {
            sse.fail(cut.body());
            return reply;
        }
        for (const [i, c] of choices.entries()) {
            const out = outs[i]!;
            const logprobs = await format.logprobs(c, out, job.signal);
            if (logprobs !== null) {
                sse.send(chunk(format.emptyChoice(c.index, logprobs, null)));
            }
            sse.send(chunk(format.emptyChoice(c.index, null, finish(out))));
        }
        if (includeUsage) {
            sse.send({ ...format.chunkHead, choices: [], usage: format.usage(outs) });
        }
        sse.done();
        return reply;
    } finally {
        job.end();
    }
}
