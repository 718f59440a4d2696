// Size and mtime stamps of a build's input files, and whether they still hold: how the CLI bundle (bin/mellama.js)
// and the worker bundles (bundledCode.ts) decide to rebuild. Plain JavaScript (with inputStamps.d.ts) because
// bin/mellama.js runs it before any bundle or TypeScript loader exists.
import { resolve } from "node:path";
import { statSync } from "node:fs";

/** path (resolved against `base`) → [size, mtimeMs] for each input. */
export function stampInputs(base, inputs) {
    const stamps = {};
    for (const input of inputs) {
        const path = resolve(base, input);
        const s = statSync(path);
        stamps[path] = [s.size, s.mtimeMs];
    }
    return stamps;
}

/** Whether every stamped input still has its size and mtime (a missing one has not). */
export function inputsUnchanged(stamps) {
    for (const [path, [size, mtime]] of Object.entries(stamps)) {
        try {
            const s = statSync(path);
            if (s.size !== size || s.mtimeMs !== mtime) {
                return false;
            }
        } catch {
            return false;
        }
    }
    return true;
}
