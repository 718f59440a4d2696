/**
 * The published package, as a user gets it: `npm pack` (which runs `prepare`, so dist/ is rebuilt from src/
 * first), then an install of that tarball in an empty project, offline, from the lockfile's own versions and
 * npm's cache. The installed package runs `mellama --help`, `mellama version` and a corpus build, starts a
 * compiled corpus worker, and `import("mellama")` works from plain Node with no TypeScript loader. The corpus
 * worker runs from the one-file bundle the build makes of it: the compiled module it was bundled from is deleted
 * from the installed package first, so the worker starts only if the bundle is shipped and used.
 *
 * The native addon: the package ships its C++ sources and builds them in its `install` script (node-gyp). That
 * compile takes minutes, so by default this test runs the installed package's install script with
 * MELLAMA_SKIP_NATIVE=1 (a switch for tests and for machines without a compiler) and points
 * MELLAMA_NATIVE_ADDON at this checkout's build; it checks instead that the tarball holds every source file
 * binding.gyp compiles and every file they include. MELLAMA_TEST_PACK_NATIVE=1 runs the real compile in the
 * installed package and loads that addon. Third-party install scripts (better-sqlite3's) do not run: nothing here
 * opens a database.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const fullNative = process.env.MELLAMA_TEST_PACK_NATIVE === "1";

interface LockEntry {
    dev?: boolean;
    optional?: boolean;
    devOptional?: boolean;
    [key: string]: unknown;
}

/** A lockfile for a project that depends only on the tarball: the package's runtime entries of this checkout's lock. */
function consumerLock(tarball: string, pkg: { version: string; dependencies: Record<string, string> }): object {
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
    const packages: Record<string, unknown> = {
        "": { name: "consumer", version: "1.0.0", dependencies: { mellama: `file:${tarball}` } },
        "node_modules/mellama": {
            version: pkg.version, resolved: `file:${tarball}`, hasInstallScript: true, dependencies: pkg.dependencies, bin: { mellama: "dist/cli/bin.js" },
        },
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
        if (path !== "" && entry.dev !== true && entry.optional !== true && entry.devOptional !== true) {
            packages[path] = entry;
        }
    }
    return { name: "consumer", version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}

function run(cwd: string, command: string, args: readonly string[], env: Record<string, string> = {}): string {
    const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, `${command} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
}

/** The files binding.gyp compiles and, transitively, the local files they #include. */
function nativeSources(): string[] {
    const gyp = JSON.parse(readFileSync(join(root, "binding.gyp"), "utf8").replace(/^\s*#.*$/gm, "")) as { targets: { sources: string[] }[] };
    const seen = new Set<string>();
    const visit = (path: string): void => {
        if (seen.has(path)) {
            return;
        }
        seen.add(path);
        const dir = path.slice(0, path.lastIndexOf("/") + 1);
        for (const m of readFileSync(join(root, path), "utf8").matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
            visit(dir + m[1]!);
        }
    };
    gyp.targets.flatMap((t) => t.sources).forEach(visit);
    return [...seen].sort();
}

test("npm pack makes a tarball that installs offline in an empty project and runs there without a TypeScript loader", () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-pack-"));
    try {
        const packed = JSON.parse(run(root, npm, ["pack", "--json", "--pack-destination", dir], { npm_config_loglevel: "error" })) as
            { filename: string; files: { path: string }[] }[];
        const tarball = join(dir, packed[0]!.filename);
        const shipped = new Set(packed[0]!.files.map((f) => f.path));
        for (const path of nativeSources()) {
            assert.ok(shipped.has(path), `the tarball lacks ${path}, which the addon's install build needs`);
        }
        for (const path of ["binding.gyp", "scripts/buildNative.mjs", "dist/index.js", "dist/index.d.ts", "dist/cli/bin.js", "dist/corpus/corpusWorker.js",
            "dist/corpus/corpusWorker.bundle.cjs",
            "dist/eval/tasks/diagnosis/synthetic_cases.jsonl"]) {
            assert.ok(shipped.has(path), `the tarball lacks ${path}`);
        }
        assert.ok(![...shipped].some((p) => p.startsWith("test/") || p.endsWith(".tsbuildinfo") || p.startsWith("build/")), "the tarball ships only the package");

        const project = join(dir, "consumer");
        execFileSync("mkdir", [project]);
        const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
        writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies: { mellama: `file:${tarball}` } }));
        writeFileSync(join(project, "package-lock.json"), JSON.stringify(consumerLock(tarball, pkg)));
        const quiet = { npm_config_loglevel: "error", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
        run(project, npm, ["ci", "--offline", "--ignore-scripts", "--omit=optional"], quiet);
        // The package's own install script (the addon build), as npm runs it for an install.
        const installed = join(project, "node_modules", "mellama");
        run(project, npm, ["rebuild", "mellama", "--offline"], { ...quiet, ...(fullNative ? {} : { MELLAMA_SKIP_NATIVE: "1" }) });
        assert.ok(!existsSync(join(installed, "src", "cli", "bin.js")) && !existsSync(join(installed, "node_modules", "tsx")));
        const addon = fullNative ? join(installed, "build", "Release", "mellama_kernels.node") : join(root, "build", "Release", "mellama_kernels.node");
        const env = { ...quiet, MELLAMA_NATIVE_ADDON: addon, NODE_OPTIONS: "" };

        assert.match(run(project, npm, ["exec", "--offline", "--", "mellama", "--help"], env), /^Usage: mellama/);
        assert.equal(run(project, npm, ["exec", "--offline", "--", "mellama", "version"], env).trim(), pkg.version);

        // The worker must come from its bundle (startWorker falls back to the module only where there is no bundle).
        rmSync(join(installed, "dist", "corpus", "corpusWorker.js"));

        // One small command: a corpus build with one compiled worker thread.
        // Varied enough to pass the quality rules (Gopher's stop words, repetition) and deduplication.
        const words = ("the patient and denies fever to chest pain was given aspirin daily with history of hypertension that have a cough for "
            + "three days after surgery on her left knee while his mother noted mild swelling in both legs").split(" ");
        let seed = 7;
        const pick = (): string => words[(seed = (seed * 1103515245 + 12345) % 2147483648) % words.length]!;
        writeFileSync(join(project, "notes.txt"), Array.from({ length: 30 }, (_, i) => ` = Note ${i} = \n ${Array.from({ length: 80 }, pick).join(" ")} . \n`).join("\n"));
        const tokenizer = join(root, "test", "fixtures", "tokenizer", "words.model");
        writeFileSync(join(project, "corpus.json"), JSON.stringify({
            output: "out", tokenizer, seqLen: 33, validationFraction: 0.1, sources: [{ name: "notes", domain: "general", format: "text", path: "notes.txt" }],
        }));
        run(project, npm, ["exec", "--offline", "--", "mellama", "corpus", "build", "corpus.json"], { ...env, MELLAMA_CORPUS_WORKERS: "1", MELLAMA_QUIET: "1" });
        assert.ok(readdirSync(join(project, "out")).includes("manifest.json"));

        // The library from plain Node: the public surface, a compiled worker thread, and the native kernels.
        const script = `
            const m = await import("mellama");
            if (typeof m.loadTokenizer !== "function" || typeof m.getKernelSet !== "function") throw new Error("exports missing");
            const { CorpusWorkers } = await import(${JSON.stringify(join(installed, "dist", "corpus", "CorpusWorkers.js"))});
            const tokenizer = ${JSON.stringify(tokenizer)};
            const pool = new CorpusWorkers(1, null);
            const matches = await pool.tokenizerMatches(tokenizer, m.loadTokenizer(tokenizer).hash);
            await pool.close();
            if (!matches) throw new Error("the compiled corpus worker did not start");
            m.getKernelSet({ kind: "native", threads: 1 });
            console.log("ok");`;
        assert.equal(run(project, process.execPath, ["--input-type=module", "-e", script], env).trim(), "ok");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
