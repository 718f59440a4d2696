import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
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
        (e: Error) => e instanceof DownloadError && /medqa\/test\.jsonl: got 20 bytes, expected 2103066/.test(e.message));
    await assert.rejects(fetchTaskData({ task: "hoc", dest, mirror, log: () => undefined }), (e: Error) => e instanceof DownloadError && /HTTP 404/.test(e.message));
    assert.deepEqual(listAll(dest), []);
    await assert.rejects(fetchTaskData({ task: "mednli", dest, log: () => undefined }), (e: Error) => e.name === "ConfigError" && /credentialed/.test(e.message));
});

test("every GitHub file is pinned by size and sha256", () => {
    for (const [task, { files }] of Object.entries(GITHUB_SOURCES)) {
        for (const f of files) {
            assert.ok(f.size !== undefined && f.size > 0, `${task} ${f.dest} size`);
            assert.match(f.sha256 ?? "", /^[0-9a-f]{64}$/, `${task} ${f.dest} sha256`);
        }
    }
});

test("the pins are the bytes of the benchmark data's copies of the pinned commits", { skip: skipWithoutData("hoc") }, () => {
    for (const { files } of Object.values(GITHUB_SOURCES)) {
        for (const f of files) {
            const bytes = readFileSync(join(dataDir(), f.dest));
            assert.equal(bytes.byteLength, f.size, f.dest);
            assert.equal(createHash("sha256").update(bytes).digest("hex"), f.sha256, f.dest);
        }
    }
});

/** Every entry under `dir`, recursively (temporaries included). */
function listAll(dir: string): string[] {
    return readdirSync(dir, { recursive: true }).map(String).filter((p) => !statSync(join(dir, p)).isDirectory()).sort();
}

/** A local origin whose every path answers `send(res)`. */
async function rawOrigin(t: { after(fn: () => void): void }, send: (res: ServerResponse) => void): Promise<string> {
    const server = createServer((_req, res) => send(res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    t.after(() => server.close());
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("a body of the pinned size with another sha256 is refused naming the file and both hashes; nothing kept, the old file untouched", async (t) => {
    const f = GITHUB_SOURCES.hoc!.files[0]!;
    const corrupt = Buffer.alloc(f.size!, "x");
    const mirror = await rawOrigin(t, (res) => res.end(corrupt));
    const dest = tempDir(t);
    mkdirSync(join(dest, "hoc/blue_split"), { recursive: true });
    writeFileSync(join(dest, f.dest), "an older copy\n");
    const got = createHash("sha256").update(corrupt).digest("hex");
    await assert.rejects(fetchTaskData({ task: "hoc", dest, mirror, log: () => undefined }), (e: Error) => e instanceof DownloadError
        && e.message.includes(`hoc/blue_split/test.tsv: sha256 ${got} is not the pinned ${f.sha256}; nothing kept`));
    assert.deepEqual(listAll(dest), ["hoc/blue_split/test.tsv"], "no temporary left, the docid file never fetched");
    assert.equal(readFileSync(join(dest, f.dest), "utf8"), "an older copy\n", "the file already there is unchanged");
});

test("a body beyond the cap is stopped, deleted and refused naming the file and the cap", async (t) => {
    const f = GITHUB_SOURCES.medqa!.files[0]!;
    const dest = tempDir(t);
    // Chunked (no Content-Length): the cap is enforced while streaming, long before the 64 MiB the server would send.
    let sent = 0;
    const endless = await rawOrigin(t, (res) => {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(1 << 16, "z");
        const pump = (): void => {
            while (sent < 64 << 20) {
                sent += chunk.byteLength;
                if (!res.write(chunk)) {
                    res.once("drain", pump);
                    return;
                }
            }
            res.end();
        };
        res.on("error", () => undefined);
        pump();
    });
    await assert.rejects(fetchTaskData({ task: "medqa", dest, mirror: endless, log: () => undefined }), (e: Error) => e instanceof DownloadError
        && e.message.includes(`medqa/test.jsonl: more than the cap of ${f.size} bytes (its pinned size); download stopped and nothing kept`));
    assert.ok(sent < 64 << 20, "the download was stopped, not read to the end");
    assert.deepEqual(listAll(dest), []);
    // A Content-Length over the cap is refused before the body is read.
    const announced = await rawOrigin(t, (res) => res.end(Buffer.alloc(f.size! + 1, "z")));
    await assert.rejects(fetchTaskData({ task: "medqa", dest, mirror: announced, log: () => undefined }), (e: Error) => e instanceof DownloadError
        && e.message.includes(`medqa/test.jsonl: the server announces ${f.size! + 1} bytes, over the cap of ${f.size} bytes`));
    // An unpinned file (the Hub parquet) is held to --max-bytes.
    const parquet = readFileSync(LAYOUT_PARQUET);
    const hub = await rawOrigin(t, (res) => res.end(parquet));
    await assert.rejects(fetchTaskData({ task: "pubmedqa", dest, mirror: hub, source: "hf", maxBytes: 100, log: () => undefined }),
        (e: Error) => e instanceof DownloadError && e.message.includes("me_llama_layout/pubmedqa_test.parquet: the server announces")
            && e.message.includes("over the cap of 100 bytes"));
    assert.deepEqual(listAll(dest), []);
});

test("a good body matching the pins is kept, and kept again without a download when present", async (t) => {
    const f = GITHUB_SOURCES.hoc!.files[1]!;
    // test_docid.txt alone is tested through a task whose other file is already present with its pins.
    const tsv = GITHUB_SOURCES.hoc!.files[0]!;
    const body = (path: string): Buffer | undefined => (existsSync(join(dataDir(), path)) ? readFileSync(join(dataDir(), path)) : undefined);
    const docids = body(f.dest);
    const tsvBytes = body(tsv.dest);
    if (docids === undefined || tsvBytes === undefined) {
        t.skip("the benchmark data's hoc/blue_split is not here");
        return;
    }
    let hits = 0;
    const mirror = await rawOrigin(t, (res) => {
        hits++;
        res.end(res.req.url!.endsWith("test.tsv") ? tsvBytes : docids);
    });
    const dest = tempDir(t);
    const logged: string[] = [];
    const files = await fetchTaskData({ task: "hoc", dest, mirror, log: (l) => logged.push(l) });
    assert.deepEqual(files, [join(dest, tsv.dest), join(dest, f.dest)]);
    assert.ok(readFileSync(join(dest, f.dest)).equals(docids));
    assert.ok(logged.some((l) => l.includes(`sha256 ${f.sha256}, as pinned`)));
    assert.equal(hits, 2);
    await fetchTaskData({ task: "hoc", dest, mirror, log: () => undefined });
    assert.equal(hits, 2, "present files with the pinned size and sha256 are not downloaded again");
    assert.deepEqual(listAll(dest), [tsv.dest, f.dest].sort());
});

test("--source hf: Me-LLaMA's parquet export, checked with hyparquet, readable by the task", async (t) => {
    const mirror = await origin(t, new Map([["/api/datasets/clinicalnlplab/pubmedqa_test/parquet/default/test/0.parquet", readFileSync(LAYOUT_PARQUET)]]));
    const dest = tempDir(t);
    const [path] = await fetchTaskData({ task: "pubmedqa", dest, mirror, source: "hf", log: () => undefined });
    assert.ok(path !== undefined && existsSync(path));
    const docs = await getTask("pubmedqa").loadDocs({ dataDir: dest, path, onError: "fail" });
    assert.ok(docs.length > 0 && docs.every((d) => d.query.length > 0));
});
