/**
 * The base of every error mellama raises on purpose. `code` is stable and machine-readable; the message says
 * what is wrong, where (file, line, field) and, where there is one, the fix. Messages never carry clinical text.
 */

/**
 * Codes that mean "the input or the invocation is wrong" (exit status 2); every other code is a failure while
 * doing the work (exit status 1). One list, so the CLI's exit status never depends on which module threw.
 */
const USER_ERROR_CODES: ReadonlySet<string> = new Set([
    "CONFIG", "FORMAT", "USAGE", "OUTPUT_EXISTS", "RUN_LOCKED", "DATASET_MISSING", "UNKNOWN_TASK", "SOURCE_READ",
    "MODEL_INPUT", "TOKEN_ID", "RESUME_MISMATCH", "NO_TRAIN_SPLIT", "MISSING_SHARDS", "CONTEXT_LENGTH", "REVIEW_IMPORT", "NOTHING_TO_EVALUATE",
]);

export class MellamaError extends Error {
    public readonly code: string;

    public constructor(code: string, message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = new.target.name;
        this.code = code;
    }

    /** 2 for a user error (bad input, option, config or output path), 1 for a failure while working. */
    public get exitCode(): 1 | 2 {
        return USER_ERROR_CODES.has(this.code) ? 2 : 1;
    }
}

/** Bad configuration or options: names the field. */
export class ConfigError extends MellamaError {
    public constructor(public readonly field: string, message: string) {
        super("CONFIG", `${field}: ${message}`);
    }
}

/** A file in a known format is malformed: names the file and the field (or line). */
export class FormatError extends MellamaError {
    public constructor(public readonly file: string, public readonly field: string, message: string) {
        super("FORMAT", `${file}: ${field}: ${message}`);
    }
}

/** A result that would be meaningless (no documents, every request failed, no data): refused instead of written as success. */
export class DegenerateResultError extends MellamaError {
    public constructor(public readonly what: string, message: string) {
        super("DEGENERATE", `${what}: ${message}`);
    }
}
