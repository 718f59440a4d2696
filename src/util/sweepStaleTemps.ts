/**
 * Removes temporary files and directories left by killed processes: names carrying `.tmp-PID` (the convention
 * of atomicWriteFileSync and every output writer) whose PID is no longer running on this machine. A live PID's
 * temporaries are another process's work in progress and are never touched. Temporaries can hold clinical text,
 * so they must not pile up after kills.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "./processAlive.js";

const TEMP_NAME = /\.tmp-(\d+)(?:-[0-9a-z]+)?$/;

/** Sweeps `dir` (not recursively); `prefix` limits it to names starting so. Returns the names removed. */
export function sweepStaleTemps(dir: string, prefix = ""): string[] {
    let names: string[];
    try {
        names = readdirSync(dir);
    } catch {
        return [];
    }
    const removed: string[] = [];
    for (const name of names) {
        const m = TEMP_NAME.exec(name);
        if (m !== null && name.startsWith(prefix) && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) {
            rmSync(join(dir, name), { recursive: true, force: true });
            removed.push(name);
        }
    }
    return removed;
}
