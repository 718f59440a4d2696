/**
 * The body of POST /v1/chat/completions. Message content is a string or a list of text parts (joined);
 * "developer" is the newer name of "system". Tool and function messages and image or audio parts are refused.
 */
import { z } from "zod";
import { samplingFields } from "./samplingFields.js";

const content = z.union([
    z.string(),
    z.array(z.object({ type: z.literal("text"), text: z.string() })).max(256),
]);

export const chatCompletionRequest = z.object({
    ...samplingFields,
    messages: z.array(z.object({
        role: z.enum(["system", "developer", "user", "assistant"]),
        content,
        name: z.string().max(64).optional(),
    })).min(1).max(1024),
    max_completion_tokens: z.number().int().min(1).nullish(),
    logprobs: z.boolean().nullish(),
    /** Top alternatives per token, 0..20 (OpenAI's limit); needs logprobs: true. */
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    tools: z.array(z.unknown()).max(0).nullish(),
    tool_choice: z.literal("none").nullish(),
    response_format: z.object({ type: z.literal("text") }).nullish(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;
