import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CheckpointManager, CheckpointWriteError, TRAINING_STATE_FILE } from "../../src/train/CheckpointManager.js";

function writer(step: number) {
    return (dir: string): void => {
        writeFileSync(join(dir, "model.bin"), `weights ${step}`);
        writeFileSync(join(dir, TRAINING_STATE_FILE), JSON.stringify({ step }));
    };
}

test("keeps the last K complete checkpoints and points latest at the newest", () => {
    const run = mkdtempSync(join(tmpdir(), "ckpt-"));
    const manager = new CheckpointManager({ runDir: run, keep: 2 });
    assert.equal(manager.latest(), null);
    for (const step of [10, 20, 30]) {
        manager.save(step, writer(step));
    }
    assert.deepEqual(manager.list().map((p) => p.slice(-13)), ["step-00000020", "step-00000030"]);
    assert.equal(readFileSync(join(manager.latest()!, "model.bin"), "utf8"), "weights 30");
});

test("a full disk while checkpointing leaves the previous checkpoint intact and latest unchanged", () => {
    const run = mkdtempSync(join(tmpdir(), "ckpt-"));
    const manager = new CheckpointManager({ runDir: run, keep: 1 });
    manager.save(1, writer(1));
    assert.throws(() => manager.save(2, (dir) => {
        writeFileSync(join(dir, "model.bin"), "partial");
        throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    }), (error: unknown) => error instanceof CheckpointWriteError && /disk is full/.test(error.message) && /step 2/.test(error.message));
    assert.equal(readFileSync(join(manager.latest()!, "model.bin"), "utf8"), "weights 1");
    assert.deepEqual(readdirSync(join(run, "checkpoints")).sort(), ["latest", "step-00000001"]);
});

test("a checkpoint without its training state is never taken as complete", () => {
    const run = mkdtempSync(join(tmpdir(), "ckpt-"));
    const manager = new CheckpointManager({ runDir: run, keep: 3 });
    manager.save(5, writer(5));
    assert.throws(() => manager.save(6, (dir) => writeFileSync(join(dir, "model.bin"), "no state")), CheckpointWriteError);
    assert.ok(!existsSync(manager.pathFor(6)));
    assert.equal(manager.latest(), manager.pathFor(5));
});
