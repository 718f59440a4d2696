import { FormatError } from "../../errors/MellamaError.js";

/** A malformed GGUF file: names the file and the field (a metadata key, a tensor name, a header field). */
export class GgufError extends FormatError {
    public constructor(file: string, field: string, message: string) {
        super(file, field, message);
    }
}
