/**
 * The base of every error mellama raises on purpose. `code` is stable and machine-readable; the message says
 * what is wrong, where (file, line, field) and, where there is one, the fix. Messages never carry clinical text.
 */
export class MellamaError extends Error {
    public readonly code: string;

    public constructor(code: string, message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = new.target.name;
        this.code = code;
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
