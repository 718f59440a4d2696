// Compiles src/ to dist/ (the `build` and `prepare` scripts; `npm ci` runs it after the native addon's `install`).
// tsc -b (tsconfig.build.json) emits ESM JavaScript, declarations and source maps; then the files src/ reads at run
// time beside its modules (data such as eval/tasks/diagnosis/synthetic_cases.jsonl) are copied to the same place
// under dist/, and outputs whose source is gone are removed, so dist/ holds exactly what src/ compiles to.
// Last, every worker entry (a module that src/ starts with `startWorker("./name", import.meta.url, ...)`) is bundled
// from its compiled JavaScript into one CommonJS file beside it, `name.bundle.cjs`, which startWorker runs when it
// is there: a worker thread then reads and compiles one file instead of each module of its import graph, and
// Node 20 does not start its ES module loader in it (docs/build.md). The bundle takes no packages (a worker entry
// that imports one, or uses import.meta, which CommonJS lacks, fails the build) so it runs the same code as dist/.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { buildSync } from "esbuild";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "src");
const dist = join(root, "dist");
/** Files under src/ that are inputs of a build rather than files read at run time. */
const NOT_RUNTIME = /(\.ts|\.cpp|\.h|\.inc|(^|\/)tsconfig[^/]*\.json)$/;
const OUTPUT = /^(.*?)(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js|\.bundle\.cjs\.map|\.bundle\.cjs)$/;
/** How src/ starts a worker thread (src/util/startWorker.ts): the entry's name is a literal relative path. */
const WORKER_START = /\bstartWorker\(\s*"(\.{1,2}\/[^"]+)",\s*import\.meta\.url\b/g;

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
for (const path of files(src).filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"))) {
    for (const m of readFileSync(path, "utf8").matchAll(WORKER_START)) {
        const entry = join(dist, relative(src, dirname(path)), `${m[1]}.js`);
        bundleWorker(entry, entry.replace(/\.js$/, ".bundle.cjs"));
    }
}

/** One CommonJS file of `entry` and every module it imports; the build fails on any warning. */
function bundleWorker(entry, outfile) {
    const result = buildSync({
        entryPoints: [entry], outfile, bundle: true, format: "cjs", platform: "node", target: "node20",
        // Node's own modules stay require()s; any other package would be copied in, so it is refused instead.
        external: ["node:*"], sourcemap: true, logLevel: "silent", metafile: true,
    });
    const packages = Object.keys(result.metafile.inputs).filter((input) => input.includes("node_modules"));
    const problems = [...result.warnings.map((w) => w.text), ...packages.map((p) => `imports a package (${p})`)];
    if (problems.length > 0) {
        rmSync(outfile, { force: true });
        rmSync(`${outfile}.map`, { force: true });
        console.error(`mellama: cannot bundle the worker ${relative(root, entry)}: ${problems.join("; ")}`);
        process.exit(1);
    }
}
