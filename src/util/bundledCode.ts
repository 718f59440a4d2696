/**
 * One CommonJS script of a TypeScript module and everything it imports from this package (packages from
 * node_modules stay `require`s, resolved from the entry's folder), for worker threads started from source, run
 * with `new Worker(code, { eval: true })`. A worker does not inherit the parent's
 * module hooks, so without this it registers tsx's loader and pulls every module through tsx's hook thread:
 * measured ~260 ms and a second thread per worker, against ~80 ms for the bundle. The bundle is made by the
 * esbuild that tsx itself runs on and cached under the OS temporary directory, keyed by the entry's path and
 * checked against each input's size and mtime, so an edited source is rebuilt on its next use (~15-70 ms).
 * Returns null when no bundle can be made (esbuild missing, a build error): the caller falls back to tsx.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { atomicWriteFileSync } from "./atomicWrite.js";
import { type InputStamps, inputsUnchanged, stampInputs } from "./inputStamps.js";

interface CachedBundle {
    /** Input path (absolute) → [size, mtimeMs] when the bundle was made. */
    inputs: InputStamps;
    code: string;
}

interface EsbuildApi {
    buildSync(options: object): { outputFiles: { text: string }[]; metafile: { inputs: Record<string, unknown> } };
}

function cacheDir(): string {
    let user = "user";
    try {
        user = String(userInfo().uid);
    } catch {
        // No passwd entry (some containers): one shared name.
    }
    return join(tmpdir(), `mellama-bundles-${user}`);
}

/** The bundled script of `entry` (an absolute path to a .ts module), or null. */
export function bundledCode(entry: string): string | null {
    const file = join(cacheDir(), `${createHash("sha1").update(entry).digest("hex").slice(0, 16)}.json`);
    try {
        const cached = JSON.parse(readFileSync(file, "utf8")) as CachedBundle;
        if (inputsUnchanged(cached.inputs)) {
            return cached.code;
        }
    } catch {
        // No cache yet, or an unreadable one: build.
    }
    try {
        const fromTsx = createRequire(createRequire(import.meta.url).resolve("tsx/package.json"));
        const esbuild = fromTsx("esbuild") as EsbuildApi;
        const workingDir = process.cwd();
        const result = esbuild.buildSync({
            entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", packages: "external",
            write: false, metafile: true, logLevel: "silent", absWorkingDir: workingDir,
        });
        const inputs = stampInputs(workingDir, Object.keys(result.metafile.inputs));
        // Packages stay require()s, resolved from the entry's folder (an eval'd script's own require resolves from
        // the working directory).
        const code = `(function (require) {\n${result.outputFiles[0]!.text}\n})(require("node:module").createRequire(${JSON.stringify(entry)}));\n`;
        const bundle: CachedBundle = { inputs, code };
        try {
            mkdirSync(cacheDir(), { recursive: true });
            atomicWriteFileSync(file, JSON.stringify(bundle));
        } catch {
            // A read-only temporary directory: the bundle is still good for this process.
        }
        return bundle.code;
    } catch {
        return null;
    }
}
