#!/usr/bin/env node
// Runs the TypeScript CLI with no build step. The first run after a source changes bundles src/cli/main.ts with
// the esbuild that tsx runs on (~0.2 s) into node_modules/.cache/mellama; later runs import that bundle directly,
// which starts ~0.25 s sooner than transpiling every module through tsx's loader thread and leaves no loader
// thread behind. Each module's `import.meta.url` is kept as its source file's URL, so paths relative to a source
// (the native addon, workers, package.json) resolve as they do unbundled. Stack traces map back to src/ through
// source maps. Without esbuild, a failed build or MELLAMA_NO_BUNDLE=1, the CLI runs through tsx's loader.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inputsUnchanged, stampInputs } from "../src/util/inputStamps.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cache = join(root, "node_modules", ".cache", "mellama");
// One pointer per checkout: checkouts that share a node_modules (git worktrees, a linked node_modules) must not
// load each other's bundles.
const pointer = join(cache, `cli-${createHash("sha256").update(root).digest("hex").slice(0, 12)}.json`);
/** Bundles other than the current one are removed once this old (a running process may still load its chunks). */
const STALE_MS = 24 * 3600 * 1000;

/** The bundle's entry file, current with the sources, or null. */
async function bundle() {
    try {
        const current = JSON.parse(readFileSync(pointer, "utf8"));
        const entry = join(cache, current.dir, "main.mjs");
        if (inputsUnchanged(current.inputs) && existsSync(entry)) {
            return entry;
        }
    } catch {
        // No bundle yet: make one.
    }
    const esbuild = createRequire(createRequire(import.meta.url).resolve("tsx/package.json"))("esbuild");
    const dir = `cli-${Date.now().toString(36)}-${process.pid}`;
    const src = join(root, "src");
    const keepMetaUrl = {
        name: "keep-import-meta-url",
        setup(build) {
            build.onLoad({ filter: /\.ts$/ }, (args) => {
                const text = readFileSync(args.path, "utf8");
                return { contents: args.path.startsWith(src) ? text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)) : text, loader: "ts" };
            });
        },
    };
    mkdirSync(cache, { recursive: true });
    const result = await esbuild.build({
        entryPoints: { main: join(src, "cli", "main.ts") }, outdir: join(cache, dir), outExtension: { ".js": ".mjs" },
        bundle: true, splitting: true, format: "esm", platform: "node", target: "node20", packages: "external",
        sourcemap: "linked", metafile: true, logLevel: "silent", absWorkingDir: root, plugins: [keepMetaUrl],
    });
    await esbuild.stop?.();
    const inputs = stampInputs(root, Object.keys(result.metafile.inputs));
    const tmp = `${pointer}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ dir, inputs }));
    renameSync(tmp, pointer);
    for (const old of readdirSync(cache).filter((d) => d.startsWith("cli-") && !d.endsWith(".json") && d !== dir)) {
        try {
            if (Date.now() - statSync(join(cache, old)).mtimeMs > STALE_MS) {
                rmSync(join(cache, old), { recursive: true, force: true });
            }
        } catch {
            // Removed by another process meanwhile.
        }
    }
    return join(cache, dir, "main.mjs");
}

let entry = null;
if (process.env.MELLAMA_NO_BUNDLE === undefined || process.env.MELLAMA_NO_BUNDLE === "" || process.env.MELLAMA_NO_BUNDLE === "0") {
    try {
        entry = await bundle();
    } catch {
        entry = null;
    }
}
if (entry !== null) {
    process.setSourceMapsEnabled(true);
    const { main } = await import(pathToFileURL(entry).href);
    await main(process.argv);
} else {
    const { register } = await import("tsx/esm/api");
    register();
    const { main } = await import("../src/cli/main.ts");
    await main(process.argv);
}
