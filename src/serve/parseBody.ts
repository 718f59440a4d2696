/**
 * Validates a request body against a route's schema; the first problem becomes a 400 OpenAI error naming the
 * field (`messages[0].content`) and what was expected, never the value that was sent.
 */
import type { z } from "zod";
import { OpenaiError } from "./OpenaiError.js";

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
        throw new OpenaiError(400, "the request body must be a JSON object");
    }
    const parsed = schema.safeParse(body);
    if (parsed.success) {
        return parsed.data;
    }
    const issue = parsed.error.issues[0]!;
    const param = issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
    const missing = issue.code === "invalid_type" && issue.message.includes("received undefined");
    const message = missing ? `'${param}' is a required property` : `'${param}': ${issue.message.replace(/, received .*$/, "")}`;
    return fail(new OpenaiError(400, message.slice(0, 300), "invalid_request_error", param === "" ? null : param, missing ? "missing_required_parameter" : "invalid_value"));
}

function fail(error: OpenaiError): never {
    throw error;
}
