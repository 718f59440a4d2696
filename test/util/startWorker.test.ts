import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startWorker, workerExecArgv } from "../../src/util/startWorker.js";

test("a worker started from source runs its .ts entry and answers", async () => {
    const worker = startWorker("../fixtures/util/echoWorker", import.meta.url);
    const reply = await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.postMessage(21);
    });
    await worker.terminate();
    assert.equal(reply, 42);
});

test("a worker started from `node -e` does not inherit the options that name the main script", () => {
    assert.deepEqual(workerExecArgv(["--input-type=module", "-e", "code", "--import", "tsx", "--eval=x", "-p", "y", "--max-old-space-size=100"]),
        ["--import", "tsx", "--max-old-space-size=100"]);
    const module = fileURLToPath(new URL("../../src/util/startWorker.ts", import.meta.url));
    const script = `const { startWorker } = await import(${JSON.stringify(module)});
        const w = startWorker("../../test/fixtures/util/echoWorker", ${JSON.stringify(new URL("../../src/util/startWorker.ts", import.meta.url).href)});
        w.on("error", (e) => { console.log("error", e.message); process.exit(1); });
        w.on("message", (m) => { console.log(m); w.terminate(); });
        w.postMessage(2);`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(r.stdout.trim(), "4", r.stderr);
});

test("a worker entry is named without its extension", () => {
    assert.throws(() => startWorker("./echoWorker.ts", import.meta.url), RangeError);
});

test("compiled, a worker runs its entry's one-file bundle where the build made one, else the compiled module", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-worker-"));
    const answer = async (): Promise<unknown> => {
        const worker = startWorker("./entry", pathToFileURL(join(dir, "caller.js")).href);
        try {
            return await new Promise((resolve, reject) => {
                worker.once("message", resolve);
                worker.once("error", reject);
            });
        } finally {
            await worker.terminate();
        }
    };
    try {
        // CommonJS both (no package.json in the directory): each says which file it is.
        writeFileSync(join(dir, "entry.js"), 'require("node:worker_threads").parentPort.postMessage("module");');
        writeFileSync(join(dir, "entry.bundle.cjs"), 'require("node:worker_threads").parentPort.postMessage("bundle");');
        assert.equal(await answer(), "bundle");
        rmSync(join(dir, "entry.bundle.cjs"));
        assert.equal(await answer(), "module");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
