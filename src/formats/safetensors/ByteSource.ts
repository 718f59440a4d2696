/**
 * Positioned, bounded reads from a file or an in-memory buffer, so parsers read headers and single tensors on
 * demand and never the whole file. Reads past the end throw a typed error naming the file and the field.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { TruncatedFileError } from "./TruncatedFileError.js";

export interface ByteSource {
    /** Name used in error messages (the path, or a label). */
    readonly name: string;
    readonly size: number;
    /** Exactly `length` bytes at `offset`; `field` names what is being read, for the error when the file is short. */
    read(offset: number, length: number, field: string): Uint8Array;
    close(): void;
}

function checkRange(source: ByteSource, offset: number, length: number, field: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > source.size) {
        throw new TruncatedFileError(source.name, field, offset, length, source.size);
    }
}

export function bufferSource(bytes: Uint8Array, name = "<buffer>"): ByteSource {
    const source: ByteSource = {
        name,
        size: bytes.byteLength,
        read(offset, length, field) {
            checkRange(source, offset, length, field);
            return bytes.subarray(offset, offset + length);
        },
        close() { /* nothing held */ },
    };
    return source;
}

export function fileSource(path: string): ByteSource {
    const fd = openSync(path, "r");
    let open = true;
    const source: ByteSource = {
        name: path,
        size: fstatSync(fd).size,
        read(offset, length, field) {
            checkRange(source, offset, length, field);
            // A fresh ArrayBuffer (not the Buffer pool) so typed-array views of the bytes are aligned.
            const out = new Uint8Array(length);
            let done = 0;
            while (done < length) {
                const n = readSync(fd, out, done, length - done, offset + done);
                if (n === 0) {
                    throw new TruncatedFileError(path, field, offset, length, offset + done);
                }
                done += n;
            }
            return out;
        },
        close() {
            if (open) {
                open = false;
                closeSync(fd);
            }
        },
    };
    return source;
}
