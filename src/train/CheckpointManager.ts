/**
 * Keeps a run's checkpoints: each is a directory `checkpoints/step-NNNNNNNN/` written first under a temporary
 * name and renamed only when complete, then recorded in `checkpoints/latest` (itself written atomically). Older
 * checkpoints beyond `keep` are removed after the new one is in place, so a crash or a full disk at any moment
 * leaves the previous checkpoint intact and `latest` pointing at a complete one.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MellamaError } from "../errors/MellamaError.js";
import { atomicWriteFileSync } from "../util/atomicWrite.js";

/** The file every complete checkpoint holds; written last by the writer. */
export const TRAINING_STATE_FILE = "training_state.json";

export class CheckpointWriteError extends MellamaError {
    public constructor(public readonly step: number, cause: unknown) {
        const reason = (cause as NodeJS.ErrnoException)?.code === "ENOSPC" ? "the disk is full" : String((cause as Error)?.message ?? cause);
        super("CHECKPOINT_WRITE", `checkpoint at step ${step} was not written (${reason}); the previous checkpoint is intact`, { cause });
    }
}

export interface CheckpointManagerOptions {
    runDir: string;
    keep: number;
}

export class CheckpointManager {
    private readonly dir: string;
    private readonly keep: number;

    public constructor({ runDir, keep }: CheckpointManagerOptions) {
        this.dir = join(runDir, "checkpoints");
        this.keep = keep;
        mkdirSync(this.dir, { recursive: true });
    }

    public pathFor(step: number): string {
        return join(this.dir, `step-${String(step).padStart(8, "0")}`);
    }

    /** Writes a checkpoint through `write(tmpDir)`, which must put TRAINING_STATE_FILE there last. */
    public save(step: number, write: (dir: string) => void): string {
        const final = this.pathFor(step);
        const tmp = join(this.dir, `.tmp-step-${step}-${process.pid}`);
        rmSync(tmp, { recursive: true, force: true });
        try {
            mkdirSync(tmp, { recursive: true });
            write(tmp);
            if (!existsSync(join(tmp, TRAINING_STATE_FILE))) {
                throw new Error(`the writer did not write ${TRAINING_STATE_FILE}`);
            }
            rmSync(final, { recursive: true, force: true });
            renameSync(tmp, final);
            atomicWriteFileSync(join(this.dir, "latest"), `${final.slice(this.dir.length + 1)}\n`);
        } catch (error) {
            rmSync(tmp, { recursive: true, force: true });
            throw new CheckpointWriteError(step, error);
        }
        this.prune();
        return final;
    }

    /** The newest complete checkpoint, or null. Falls back to scanning when `latest` is missing or stale. */
    public latest(): string | null {
        const pointer = join(this.dir, "latest");
        if (existsSync(pointer)) {
            const name = readFileSync(pointer, "utf8").trim();
            if (name && existsSync(join(this.dir, name, TRAINING_STATE_FILE))) {
                return join(this.dir, name);
            }
        }
        const complete = this.list();
        return complete.length > 0 ? complete[complete.length - 1]! : null;
    }

    /** Complete checkpoints, oldest first. */
    public list(): string[] {
        return readdirSync(this.dir).filter((n) => /^step-\d{8}$/.test(n)).sort()
            .map((n) => join(this.dir, n)).filter((p) => existsSync(join(p, TRAINING_STATE_FILE)));
    }

    /** Removes every checkpoint and `latest` (a run started over with --overwrite). */
    public removeAll(): void {
        for (const name of readdirSync(this.dir).filter((n) => /^step-\d{8}$/.test(n) || n === "latest" || n.startsWith(".tmp-step-"))) {
            rmSync(join(this.dir, name), { recursive: true, force: true });
        }
    }

    private prune(): void {
        const all = this.list();
        for (const old of all.slice(0, Math.max(0, all.length - this.keep))) {
            rmSync(old, { recursive: true, force: true });
        }
        // Leftover temporary directories from killed runs.
        for (const name of readdirSync(this.dir).filter((n) => n.startsWith(".tmp-step-"))) {
            rmSync(join(this.dir, name), { recursive: true, force: true });
        }
    }
}
