import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { bundledCode } from "../../src/util/bundledCode.js";

test("bundledCode makes one script of a worker entry that runs as an eval'd worker, and caches it", async () => {
    const entry = fileURLToPath(new URL("../../src/corpus/corpusWorker.ts", import.meta.url));
    const code = bundledCode(entry);
    assert.ok(code !== null);
    assert.ok(!code.includes("import.meta"));
    assert.equal(bundledCode(entry), code);
    const worker = new Worker(code, { eval: true, workerData: { settings: null } });
    const first = await new Promise<unknown>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
    });
    assert.deepEqual(first, { ready: true });
    await worker.terminate();
});

test("bundledCode returns null for an entry esbuild cannot build", () => {
    assert.equal(bundledCode("/nonexistent/entry.ts"), null);
});
