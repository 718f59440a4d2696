/**
 * An error a client caused (or a limit it hit), answered as OpenAI's error object:
 * `{"error": {"message", "type", "param", "code"}}` with a 4xx status (or 5xx when the server failed).
 * Messages name the field and the limit, never the request's text (it may be clinical).
 */
import { MellamaError } from "../errors/MellamaError.js";

export type OpenaiErrorType = "invalid_request_error" | "authentication_error" | "not_found_error" | "rate_limit_error"
    | "timeout_error" | "server_error";

export interface OpenaiErrorBody {
    error: { message: string; type: OpenaiErrorType; param: string | null; code: string | null };
}

export class OpenaiError extends MellamaError {
    public constructor(
        public readonly status: number,
        message: string,
        public readonly type: OpenaiErrorType = "invalid_request_error",
        public readonly param: string | null = null,
        public readonly errorCode: string | null = null,
        /** Seconds, sent as Retry-After (429). */
        public readonly retryAfter?: number,
    ) {
        super("SERVE_REQUEST", message);
    }

    public body(): OpenaiErrorBody {
        return { error: { message: this.message, type: this.type, param: this.param, code: this.errorCode } };
    }
}
