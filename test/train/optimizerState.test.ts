/**
 * optimizer.safetensors: per-tensor moments round-trip bit for bit, the earlier two-arena layout is still read,
 * and a checkpoint whose tensors differ is refused naming the tensor.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeF32Safetensors } from "../../src/formats/checkpoint/trainingState.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { AdamW, type TrainableTensor } from "../../src/optim/AdamW.js";
import { OPTIMIZER_STATE_FILE, readOptimizerState, writeOptimizerState } from "../../src/train/optimizerState.js";
import { ResumeMismatchError } from "../../src/train/ResumeMismatchError.js";

const tensors = (sizes: readonly number[]): TrainableTensor[] => sizes.map((n, i) => ({
    name: `t${i}`, kind: "linear", param: Float32Array.from({ length: n }, (_, j) => Math.sin(i + j)),
    grad: Float32Array.from({ length: n }, (_, j) => Math.cos(3 * i + j)),
}));

function stepped(sizes: readonly number[]): AdamW {
    const opt = new AdamW({ kernels: referenceKernels, tensors: tensors(sizes) });
    opt.step({ lr: 1e-2 });
    opt.step({ lr: 1e-2 });
    return opt;
}

test("moments round-trip per tensor bit for bit", () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-opt-"));
    try {
        const saved = stepped([5, 3, 8]);
        writeOptimizerState(dir, saved);
        const restored = new AdamW({ kernels: referenceKernels, tensors: tensors([5, 3, 8]) });
        readOptimizerState(dir, restored);
        assert.deepEqual(restored.moments(), saved.moments());
        assert.ok(saved.moments()[0]!.v.some((x) => x !== 0));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("the earlier layout (one m and one v arena in tensor order) is read into the per-tensor moments", () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-opt-"));
    try {
        const saved = stepped([4, 6]);
        const concat = (pick: "m" | "v"): Float32Array => Float32Array.from(saved.moments().flatMap((t) => [...t[pick]]));
        writeF32Safetensors(join(dir, OPTIMIZER_STATE_FILE), [{ name: "m", data: concat("m") }, { name: "v", data: concat("v") }]);
        const restored = new AdamW({ kernels: referenceKernels, tensors: tensors([4, 6]) });
        readOptimizerState(dir, restored);
        assert.deepEqual(restored.moments(), saved.moments());
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("a tensor missing or of another size is refused naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-opt-"));
    try {
        writeOptimizerState(dir, stepped([4, 6]));
        const other = new AdamW({ kernels: referenceKernels, tensors: tensors([4, 7]) });
        assert.throws(() => readOptimizerState(dir, other),
            (e: unknown) => e instanceof ResumeMismatchError && e.field === "optimizer tensor t1.exp_avg");
        const more = new AdamW({ kernels: referenceKernels, tensors: tensors([4, 6, 2]) });
        assert.throws(() => readOptimizerState(dir, more), /t2\.exp_avg.*"missing"/u);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
