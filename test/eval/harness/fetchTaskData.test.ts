import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { GITHUB_SOURCES } from "../../../src/eval/data/dataSources.js";
import { DownloadError, fetchTaskData } from "../../../src/eval/data/fetchTaskData.js";
import { getTask } from "../../../src/eval/tasks/registry.js";
import { dataDir } from "../../../src/util/dataDir.js";
import { skipWithoutData } from "../tasks/taskFixtures.js";

const LAYOUT_PARQUET = fileURLToPath(new URL("../../fixtures/eval/layout/pubmedqa_test.parquet", import.meta.url));

/** A local origin serving `routes` (URL path -> bytes); counts hits. */
async function origin(t: { after(fn: () => void): void }, routes: Map<string, Uint8Array>): Promise<string> {
    const server = createServer((req, res) => {
        const body = routes.get(decodeURIComponent(req.url ?? ""));
        res.statusCode = body === undefined ? 404 : 200;
        res.end(body ?? "not found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    t.after(() => server.close());
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function tempDir(t: { after(fn: () => void): void }): string {
    const dir = mkdtempSync(join(tmpdir(), "mellama-fetch-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

test("pubmedqa from a mirror of the pinned GitHub paths: sizes verified, files where the task reads them", { skip: skipWithoutData("pubmedqa") }, async (t) => {
    const routes = new Map(GITHUB_SOURCES.pubmedqa!.files.map((f) => [new URL(f.url).pathname, readFileSync(join(dataDir(), f.dest))]));
    const mirror = await origin(t, routes);
    const dest = tempDir(t);
    const files = await fetchTaskData({ task: "pubmedqa", dest, mirror, log: () => undefined });
    assert.equal(files.length, 2);
    const docs = await getTask("pubmedqa").loadDocs({ dataDir: dest, onError: "fail" });
    assert.equal(docs.length, 500);
});

test("a wrong size or a 404 is a typed error and writes nothing", async (t) => {
    const f = GITHUB_SOURCES.medqa!.files[0]!;
    const mirror = await origin(t, new Map([[new URL(f.url).pathname, Buffer.from("{\"truncated\": true}\n")]]));
    const dest = tempDir(t);
    await assert.rejects(fetchTaskData({ task: "medqa", dest, mirror, log: () => undefined }),
        (e: Error) => e instanceof DownloadError && /expected 2103066/.test(e.message));
    await assert.rejects(fetchTaskData({ task: "hoc", dest, mirror, log: () => undefined }), (e: Error) => e instanceof DownloadError && /HTTP 404/.test(e.message));
    assert.deepEqual(readdirSync(dest), []);
    await assert.rejects(fetchTaskData({ task: "mednli", dest, log: () => undefined }), (e: Error) => e.name === "ConfigError" && /credentialed/.test(e.message));
});

test("--source hf: Me-LLaMA's parquet export, checked with hyparquet, readable by the task", async (t) => {
    const mirror = await origin(t, new Map([["/api/datasets/clinicalnlplab/pubmedqa_test/parquet/default/test/0.parquet", readFileSync(LAYOUT_PARQUET)]]));
    const dest = tempDir(t);
    const [path] = await fetchTaskData({ task: "pubmedqa", dest, mirror, source: "hf", log: () => undefined });
    assert.ok(path !== undefined && existsSync(path));
    const docs = await getTask("pubmedqa").loadDocs({ dataDir: dest, path, onError: "fail" });
    assert.ok(docs.length > 0 && docs.every((d) => d.query.length > 0));
});
