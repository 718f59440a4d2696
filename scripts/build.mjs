// Compiles src/ to dist/ (the `build` and `prepare` scripts; `npm ci` runs it after the native addon's `install`).
// tsc -b (tsconfig.build.json) emits ESM JavaScript, declarations and source maps; then the files src/ reads at run
// time beside its modules (data such as eval/tasks/diagnosis/synthetic_cases.jsonl) are copied to the same place
// under dist/, and outputs whose source is gone are removed, so dist/ holds exactly what src/ compiles to.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "src");
const dist = join(root, "dist");
/** Files under src/ that are inputs of a build rather than files read at run time. */
const NOT_RUNTIME = /(\.ts|\.cpp|\.h|\.inc|(^|\/)tsconfig[^/]*\.json)$/;
const OUTPUT = /^(.*?)(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/;

function files(dir) {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : [path];
    });
}

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-b", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (result.status !== 0) {
    console.error("mellama: tsc failed; dist/ is not up to date");
    process.exit(result.status ?? 1);
}
for (const path of files(src)) {
    const rel = relative(src, path);
    if (!NOT_RUNTIME.test(rel)) {
        mkdirSync(dirname(join(dist, rel)), { recursive: true });
        copyFileSync(path, join(dist, rel));
    }
}
for (const path of files(dist)) {
    const rel = relative(dist, path);
    if (rel.endsWith(".tsbuildinfo")) {
        continue;
    }
    const output = OUTPUT.exec(rel);
    const source = output === null ? join(src, rel) : join(src, `${output[1]}.ts`);
    if (!existsSync(source)) {
        rmSync(path);
    }
}
