/**
 * Positioned, bounded reads from a file or an in-memory buffer, so parsers read headers and single tensors on
 * demand and never the whole file. Reads past the end throw a typed error naming the file and the field.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { FormatError } from "../../errors/MellamaError.js";
import { mapFileRange } from "../../kernels/native/nativeKernels.js";
import { TruncatedFileError } from "./TruncatedFileError.js";

export interface ByteSource {
    /** Name used in error messages (the path, or a label). */
    readonly name: string;
    readonly size: number;
    /**
     * Exactly `length` bytes at `offset`; `field` names what is being read, for the error when the file is short.
     * With `out` (at least `length` bytes) the bytes are read into it and its first `length` bytes returned.
     */
    read(offset: number, length: number, field: string, out?: Uint8Array): Uint8Array;
    /**
     * The same bytes mapped from the file without a copy (they stay valid after close), or null: not a file, not
     * mappable here, or `offset` not 4-byte aligned (mapped views must give every storage type's typed arrays and
     * kernels naturally aligned elements).
     */
    map(offset: number, length: number, field: string): Uint8Array | null;
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
        read(offset, length, field, out) {
            checkRange(source, offset, length, field);
            if (out !== undefined) {
                out.set(bytes.subarray(offset, offset + length));
                return out.subarray(0, length);
            }
            return bytes.subarray(offset, offset + length);
        },
        map() {
            return null;
        },
        close() { /* nothing held */ },
    };
    return source;
}

/** Opens a regular file (a FIFO, device or directory is refused before opening: opening a FIFO blocks). */
export function fileSource(path: string): ByteSource {
    let stat;
    try {
        stat = statSync(path);
    } catch (error) {
        throw new FormatError(path, "path", (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (!stat.isFile()) {
        throw new FormatError(path, "path", stat.isDirectory() ? "is a directory, not a file" : "is not a regular file (a FIFO, socket or device)");
    }
    const fd = openSync(path, "r");
    let open = true;
    const source: ByteSource = {
        name: path,
        size: fstatSync(fd).size,
        read(offset, length, field, into) {
            checkRange(source, offset, length, field);
            // A fresh ArrayBuffer (not the Buffer pool) so typed-array views of the bytes are aligned.
            const out = into === undefined ? new Uint8Array(length) : into.subarray(0, length);
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
        map(offset, length, field) {
            checkRange(source, offset, length, field);
            return offset % 4 === 0 ? mapFileRange(path, offset, length) : null;
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
