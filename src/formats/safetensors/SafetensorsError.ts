import { FormatError } from "../../errors/MellamaError.js";

/** A malformed safetensors file: names the file and the header field. */
export class SafetensorsError extends FormatError {
    public constructor(file: string, field: string, message: string) {
        super(file, field, message);
    }
}
