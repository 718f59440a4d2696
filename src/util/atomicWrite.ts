/**
 * Writes a file so that readers see either the old content or the whole new content, never a torn file:
 * write to a temporary name in the same directory, fsync, rename over the target. `data` may be a generator of
 * chunks, so a multi-gigabyte model file streams through without ever being whole in memory; an error thrown while
 * producing a chunk removes the temporary file and leaves the target as it was (a full disk is a StorageError
 * naming the target). Temporaries of this target left by
 * killed processes (they may hold clinical text) are removed first.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { StorageError } from "../errors/StorageError.js";
import { sweepStaleTemps } from "./sweepStaleTemps.js";

export function atomicWriteFileSync(path: string, data: string | Uint8Array | Iterable<Uint8Array>): void {
    sweepStaleTemps(dirname(path), `.${basename(path)}.tmp-`);
    const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
    const parts: Iterable<Uint8Array> = typeof data === "string" ? [Buffer.from(data, "utf8")] : data instanceof Uint8Array ? [data] : data;
    const fd = openSync(tmp, "w");
    try {
        for (const part of parts) {
            let off = 0;
            while (off < part.byteLength) {
                off += writeSync(fd, part, off, part.byteLength - off);
            }
        }
        fsyncSync(fd);
    } catch (error) {
        closeSync(fd);
        rmSync(tmp, { force: true });
        throw StorageError.from(error, path);
    }
    closeSync(fd);
    renameSync(tmp, path);
}
