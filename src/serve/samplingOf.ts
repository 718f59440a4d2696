/**
 * The sampling settings of a request, with OpenAI's defaults (temperature 1, top_p 1) and its stop forms (a
 * string or up to four); presence and frequency penalties other than 0 are refused (not implemented) rather
 * than ignored. Without a seed each request draws one, so sampled requests differ as OpenAI's do.
 */
import { randomInt } from "node:crypto";
import { OpenaiError } from "./OpenaiError.js";
import type { Sampling } from "./runChoices.js";

interface SamplingFields {
    temperature?: number | null;
    top_p?: number | null;
    top_k?: number | null;
    stop?: string | string[] | null;
    seed?: number | null;
    presence_penalty?: number | null;
    frequency_penalty?: number | null;
}

export function samplingOf(body: SamplingFields): Sampling & { seed: number } {
    for (const field of ["presence_penalty", "frequency_penalty"] as const) {
        const v = body[field];
        if (v !== null && v !== undefined && v !== 0) {
            throw new OpenaiError(400, `'${field}' is not supported by this server (only 0)`, "invalid_request_error", field, "unsupported_parameter");
        }
    }
    const stop = body.stop === null || body.stop === undefined ? [] : typeof body.stop === "string" ? [body.stop] : body.stop;
    return {
        temperature: body.temperature ?? 1,
        topP: body.top_p ?? 1,
        topK: Math.max(0, body.top_k ?? 0),
        stop,
        seed: body.seed ?? randomInt(2 ** 31),
    };
}
