/** The body of POST /v1/completions (OpenAI's legacy completions API). */
import { z } from "zod";
import { samplingFields } from "./samplingFields.js";

const tokenIds = z.array(z.number().int().min(0)).min(1);

export const completionRequest = z.object({
    ...samplingFields,
    /** A string, several strings, token ids, or several lists of token ids (each prompt gets n choices). */
    prompt: z.union([z.string(), z.array(z.string()).min(1).max(64), tokenIds, z.array(tokenIds).min(1).max(64)]),
    echo: z.boolean().nullish(),
    /** Top alternatives per token, 0..5 (OpenAI's limit). */
    logprobs: z.number().int().min(0).max(5).nullish(),
    best_of: z.number().int().min(1).max(16).nullish(),
    suffix: z.null().optional(),
});

export type CompletionRequest = z.infer<typeof completionRequest>;
