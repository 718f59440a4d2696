/**
 * A file mellama writes could not be written because of the storage under it (the disk or a quota full, an I/O
 * error, a read-only file system): names the file (or output) mellama was writing, never a temporary. Exit status 1
 * (the work failed, the invocation was right). Whatever was being written is removed by its writer before this is
 * thrown.
 */
import { statfsSync } from "node:fs";
import { dirname } from "node:path";
import { MellamaError } from "./MellamaError.js";

const REASONS: Readonly<Record<string, string>> = {
    ENOSPC: "no space left on the device", EDQUOT: "disk quota exceeded", EFBIG: "file too large for the file system",
    EIO: "input/output error", EROFS: "read-only file system",
    SQLITE_FULL: "no space left on the device", SQLITE_IOERR: "input/output error", SQLITE_READONLY: "read-only file system",
};

/**
 * SQLite reports a full disk as SQLITE_FULL only for its main writes; growing the WAL index (-shm) or syncing
 * fails with an SQLITE_IOERR_* code. Such an error on a file system with almost nothing left is the full disk.
 */
function nearlyFull(path: string): boolean {
    try {
        const s = statfsSync(dirname(path));
        return s.bavail * s.bsize < 1 << 20;
    } catch {
        return false;
    }
}

export class StorageError extends MellamaError {
    public constructor(public readonly path: string, public readonly reason: string, why = REASONS[reason] ?? "cannot write") {
        super("STORAGE", `${path}: ${why} (${reason}); free space or choose another path, then rerun`);
    }

    /**
     * `error` as a StorageError naming `path` where it is a storage failure (ENOSPC, EDQUOT, EFBIG, EIO, EROFS, and
     * SQLite's FULL, IOERR and READONLY families); anything else unchanged.
     */
    public static from(error: unknown, path: string): unknown {
        if (error instanceof MellamaError) {
            return error;
        }
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code !== "string") {
            return error;
        }
        const family = code.startsWith("SQLITE_") ? code.replace(/^(SQLITE_[A-Z]+?)(_[A-Z_]+)?$/, "$1") : code;
        if (!(family in REASONS)) {
            return error;
        }
        return new StorageError(path, code, family === "SQLITE_IOERR" && nearlyFull(path) ? REASONS.ENOSPC : REASONS[family]);
    }
}
