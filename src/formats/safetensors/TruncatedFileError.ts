import { FormatError } from "../../errors/MellamaError.js";

/** A read of `length` bytes at `offset` would pass the end of the file: the file is truncated or a size field is corrupt. */
export class TruncatedFileError extends FormatError {
    public constructor(file: string, field: string, offset: number, length: number, size: number) {
        super(file, field, `needs ${length} bytes at offset ${offset} but the file has ${size} bytes: truncated, or a corrupt size field`);
    }
}
