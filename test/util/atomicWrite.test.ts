import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { atomicWriteFileSync } from "../../src/util/atomicWrite.js";

test("chunks from a generator are written in order and renamed into place", () => {
    const dir = mkdtempSync(join(tmpdir(), "atomic-"));
    const path = join(dir, "out.bin");
    atomicWriteFileSync(path, (function* () { yield Uint8Array.of(1, 2); yield new Uint8Array(0); yield Uint8Array.of(3); })());
    assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    assert.deepEqual(readdirSync(dir), ["out.bin"]);
});

test("an error while producing a chunk leaves the old file whole and no temporary behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "atomic-"));
    const path = join(dir, "model.safetensors");
    writeFileSync(path, "previous");
    assert.throws(() => atomicWriteFileSync(path, (function* () {
        yield Uint8Array.of(9, 9, 9);
        throw new Error("tensor 2 failed");
    })()), /tensor 2 failed/);
    assert.equal(readFileSync(path, "utf8"), "previous");
    assert.deepEqual(readdirSync(dir), ["model.safetensors"]);
});

test("a killed writer's temporary of the same target is removed by the next write; a live one's is kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-atomic-sweep-"));
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writeFileSync(join(dir, `.notes.jsonl.tmp-${dead}-123`), "clinical text");
    writeFileSync(join(dir, ".notes.jsonl.tmp-1-123"), "a live writer's");
    atomicWriteFileSync(join(dir, "notes.jsonl"), "x");
    assert.equal(existsSync(join(dir, `.notes.jsonl.tmp-${dead}-123`)), false);
    assert.equal(existsSync(join(dir, ".notes.jsonl.tmp-1-123")), true);
    rmSync(dir, { recursive: true, force: true });
});
