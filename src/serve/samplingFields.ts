/**
 * The request fields /v1/completions and /v1/chat/completions share, as the OpenAI API reference defines them
 * (ranges included). Penalties other than 0 and tool calling are refused by the routes, not silently ignored.
 * Fields the reference has and mellama does not use (user, metadata, store, service_tier) are accepted and ignored.
 */
import { z } from "zod";

/** At most this many stop strings (OpenAI: up to 4). */
export const MAX_STOP = 4;

export const samplingFields = {
    model: z.string().min(1).max(256),
    max_tokens: z.number().int().min(1).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    /** vLLM's extension, accepted by its clients: sample from the k most likely tokens (0 or -1 = all). */
    top_k: z.number().int().min(-1).nullish(),
    seed: z.number().int().safe().nullish(),
    stop: z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(MAX_STOP)]).nullish(),
    n: z.number().int().min(1).max(16).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    user: z.string().max(256).nullish(),
};
