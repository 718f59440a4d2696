/**
 * The one way a command writes its output path (merge, export, and any command with an `--out`): nothing that is
 * already there is destroyed by accident.
 *
 * - An output path that exists and is not an empty directory is refused, unless `overwrite`.
 * - `overwrite` replaces only what the same command wrote there before: every output carries a marker
 *   (`.mellama-output.json` inside a directory; `.NAME.mellama-output.json` beside a file) recording the command,
 *   and a path without the marker of this command is refused even with `overwrite`.
 * - The output is never an input, nor a directory holding an input (checked on real paths, so links and `..` do not
 *   get around it).
 * - Directories are written complete under `NAME.tmp-PID` and swapped in by rename; files through the writer's own
 *   atomic rename. A kill at any moment leaves the old output or the new one, and the temporaries of dead
 *   processes are swept by the next run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { MellamaError } from "../errors/MellamaError.js";
import { StorageError } from "../errors/StorageError.js";
import { sweepStaleTemps } from "./sweepStaleTemps.js";

export interface OutputClaim {
    /** The command that writes the output, as the user would type it ("merge", "export"). */
    command: string;
    /** Paths the command reads: the output may be none of them and no directory holding one. */
    inputs: readonly string[];
    /** Replace an output this command wrote before. */
    overwrite: boolean;
}

/** The output path is occupied by something this command may not replace. */
export class OutputExistsError extends MellamaError {
    public constructor(public readonly path: string, reason: string) {
        super("OUTPUT_EXISTS", `${path}: ${reason}`);
    }
}

export const OUTPUT_MARKER = ".mellama-output.json";

function markerOf(out: string, isDir: boolean): string {
    return isDir ? join(out, OUTPUT_MARKER) : join(dirname(out), `.${basename(out)}${OUTPUT_MARKER}`);
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realish(p: string): string {
    const abs = resolve(p);
    let head = abs;
    const rest: string[] = [];
    while (!existsSync(head)) {
        const up = dirname(head);
        if (up === head) {
            return abs;
        }
        rest.unshift(basename(head));
        head = up;
    }
    return join(realpathSync(head), ...rest);
}

const inside = (child: string, parent: string): boolean => {
    const r = relative(parent, child);
    return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !r.startsWith(sep));
};

/** Refuses `out` unless the command may write there; returns whether something of this command's is to be replaced. */
export function claimOutput(out: string, claim: OutputClaim, isDir: boolean): boolean {
    const real = realish(out);
    for (const input of claim.inputs) {
        const inReal = realish(input);
        if (inside(inReal, real)) {
            throw new OutputExistsError(out, inReal === real ? "is an input of this command; choose another output path"
                : `holds an input of this command (${input}); choose another output path`);
        }
    }
    sweepStaleTemps(dirname(real), `${basename(real)}.tmp-`);
    if (!existsSync(real)) {
        return false;
    }
    const stat = statSync(real);
    if (stat.isDirectory() && readdirSync(real).length === 0) {
        return false;
    }
    if (stat.isDirectory() !== isDir) {
        throw new OutputExistsError(out, `exists and is a ${stat.isDirectory() ? "directory" : "file"}; the output is a ${isDir ? "directory" : "file"}`);
    }
    if (!claim.overwrite) {
        throw new OutputExistsError(out, "exists and is not empty; pass --overwrite to replace an output of an earlier "
            + `\`mellama ${claim.command}\`, or choose another path`);
    }
    let marker: { command?: unknown } | null;
    try {
        marker = JSON.parse(readFileSync(markerOf(real, isDir), "utf8")) as { command?: unknown };
    } catch {
        marker = null;
    }
    if (marker?.command !== claim.command) {
        throw new OutputExistsError(out, `was not written by \`mellama ${claim.command}\` (no ${OUTPUT_MARKER} of it), so --overwrite `
            + "does not replace it; remove it yourself or choose another path");
    }
    return true;
}

function writeMarker(out: string, isDir: boolean, command: string): void {
    writeFileSync(markerOf(out, isDir), `${JSON.stringify({ command, writer: "mellama" })}\n`);
}

/**
 * Writes the directory `out` through `write(tmpDir)` after claimOutput; returns what `write` returns, with any
 * string or string[] result that names paths under the temporary directory mapped onto `out`.
 */
export function writeOutputDir<T>(out: string, claim: OutputClaim, write: (dir: string) => T): T {
    claimOutput(out, claim, true);
    const tmp = `${resolve(out)}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    let result: T;
    try {
        mkdirSync(tmp, { recursive: true });
        result = write(tmp);
        writeMarker(tmp, true, claim.command);
    } catch (error) {
        rmSync(tmp, { recursive: true, force: true });
        // Named by the path the user gave, not the temporary it never sees.
        const storage = StorageError.from(error, out);
        throw storage instanceof StorageError && storage.path.startsWith(tmp) ? new StorageError(out + storage.path.slice(tmp.length), storage.reason)
            : storage;
    }
    if (existsSync(out)) {
        // An empty directory, or (with replace) this command's earlier output: moved aside, then removed once the
        // new one is in place.
        const old = `${tmp}-old`;
        renameSync(out, old);
        renameSync(tmp, out);
        rmSync(old, { recursive: true, force: true });
    } else {
        renameSync(tmp, out);
    }
    const map = (p: string): string => (p.startsWith(tmp) ? out + p.slice(tmp.length) : p);
    if (typeof result === "string") {
        return map(result) as T;
    }
    return (Array.isArray(result) ? result.map((x) => (typeof x === "string" ? map(x) : x as unknown)) : result) as T;
}

/** Writes the file `out` through `write(out)` (which must write atomically) after claimOutput, then its marker. */
export function writeOutputFile<T>(out: string, claim: OutputClaim, write: (path: string) => T): T {
    claimOutput(out, claim, false);
    const result = write(out);
    writeMarker(out, false, claim.command);
    return result;
}
