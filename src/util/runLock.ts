/**
 * An exclusive lock on a run directory (pretrain, sft, corpus build, eval): `.mellama.lock` holds the owner's pid,
 * host and command, created with O_EXCL so two processes cannot both hold it. A lock whose pid is no longer running
 * on this host (a kill -9, a crash) is stale and is taken over; a lock of another host cannot be judged and is
 * refused with how to clear it.
 */
import { openSync, readFileSync, renameSync, rmSync, writeSync, closeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { MellamaError } from "../errors/MellamaError.js";
import { StorageError } from "../errors/StorageError.js";
import { processAlive } from "./processAlive.js";

export const RUN_LOCK_FILE = ".mellama.lock";

export class RunLockedError extends MellamaError {
    public constructor(public readonly dir: string, owner: string) {
        super("RUN_LOCKED", `${dir}: in use by ${owner}; wait for it to finish, or remove ${join(dir, RUN_LOCK_FILE)} if that process is gone`);
    }
}

interface LockOwner {
    pid: number;
    host: string;
    command: string;
}

export class RunLock implements Disposable {
    private released = false;

    private constructor(public readonly path: string) {}

    /** Takes the lock of `dir` (which must exist) for `command`, or throws RunLockedError. */
    public static acquire(dir: string, command: string): RunLock {
        const path = join(dir, RUN_LOCK_FILE);
        const me: LockOwner = { pid: process.pid, host: hostname(), command };
        for (let attempt = 0; attempt < 3; attempt++) {
            try {
                const fd = openSync(path, "wx");
                try {
                    writeSync(fd, `${JSON.stringify(me)}\n`);
                } catch (error) {
                    // A full disk creates the file but not its content: no empty lock is left behind.
                    closeSync(fd);
                    rmSync(path, { force: true });
                    throw StorageError.from(error, path);
                }
                closeSync(fd);
                return new RunLock(path);
            } catch (error) {
                if (error instanceof MellamaError || (error as NodeJS.ErrnoException).code !== "EEXIST") {
                    throw error;
                }
            }
            const text = readOwner(path);
            if (text === null) {
                continue; // released meanwhile
            }
            const owner = parseOwner(text);
            if (owner !== null && (owner.host !== me.host || processAlive(owner.pid))) {
                throw new RunLockedError(dir, `\`mellama ${owner.command}\` (pid ${owner.pid} on ${owner.host})`);
            }
            // Stale (dead pid, or a lock file torn by a kill while it was written): moved aside atomically, then
            // checked to be the one judged stale, so two processes taking over at once cannot both win.
            const aside = `${path}.stale.tmp-${process.pid}`;
            try {
                renameSync(path, aside);
            } catch {
                continue;
            }
            if (readOwner(aside) === text) {
                rmSync(aside, { force: true });
            } else {
                renameSync(aside, path);
                throw new RunLockedError(dir, "another process that took over a stale lock at the same moment");
            }
        }
        throw new RunLockedError(dir, "another process (the lock kept changing)");
    }

    public release(): void {
        if (this.released) {
            return;
        }
        this.released = true;
        const owner = parseOwner(readOwner(this.path) ?? "");
        if (owner?.pid === process.pid && owner.host === hostname()) {
            rmSync(this.path, { force: true });
        }
    }

    public [Symbol.dispose](): void {
        this.release();
    }
}

function readOwner(path: string): string | null {
    try {
        return readFileSync(path, "utf8");
    } catch {
        return null;
    }
}

function parseOwner(text: string): LockOwner | null {
    try {
        const o = JSON.parse(text) as Partial<LockOwner>;
        return typeof o.pid === "number" && typeof o.host === "string" ? { pid: o.pid, host: o.host, command: String(o.command ?? "?") } : null;
    } catch {
        return null;
    }
}
