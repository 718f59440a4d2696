/**
 * AdamW options and decay groups, the cosine-with-warmup schedule, and clip_grad_norm_ semantics. (The full
 * optimizer path is checked against torch.optim.AdamW + LambdaLR + clip_grad_norm_ in llamaForwardBackward.test.ts.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/errors/MellamaError.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { AdamW, type TrainableTensor } from "../../src/optim/AdamW.js";
import { clipGradNorm } from "../../src/optim/clipGradNorm.js";
import { cosineSchedule } from "../../src/optim/cosineSchedule.js";

const tensor = (name: string, kind: TrainableTensor["kind"], value: number, grad = 0): TrainableTensor =>
    ({ name, kind, param: new Float32Array(4).fill(value), grad: new Float32Array(4).fill(grad) });

test("AdamW decays linear weights only by default, and the decay predicate overrides it", () => {
    const tensors = [tensor("w", "linear", 1), tensor("norm", "norm", 1), tensor("embed", "embedding", 1)];
    const opt = new AdamW({ kernels: referenceKernels, tensors, weightDecay: 0.5 });
    assert.deepEqual(opt.moments().map((t) => [t.name, t.m.length, t.v.length]), [["w", 4, 4], ["norm", 4, 4], ["embed", 4, 4]]);
    opt.step({ lr: 0.1 });
    // Zero gradient: only decoupled decay moves a weight, p *= 1 - lr · wd.
    assert.ok(Math.abs(tensors[0]!.param[0]! - 0.95) < 1e-7);
    assert.equal(tensors[1]!.param[0], 1);
    assert.equal(tensors[2]!.param[0], 1);
    assert.equal(opt.stepCount, 1);
    const all = [tensor("w", "linear", 1), tensor("norm", "norm", 1)];
    new AdamW({ kernels: referenceKernels, tensors: all, weightDecay: 0.5, decay: () => true }).step({ lr: 0.1 });
    assert.ok(Math.abs(all[1]!.param[0]! - 0.95) < 1e-7);
});

test("AdamW first step moves each weight by lr against the gradient sign (bias-corrected)", () => {
    const t = [tensor("w", "linear", 0.5, 3), tensor("v", "linear", 0.5, -0.01)];
    new AdamW({ kernels: referenceKernels, tensors: t, weightDecay: 0 }).step({ lr: 1e-3 });
    assert.ok(Math.abs(t[0]!.param[0]! - (0.5 - 1e-3)) < 1e-6);
    assert.ok(Math.abs(t[1]!.param[0]! - (0.5 + 1e-3)) < 1e-6);
});

test("AdamW refuses bad hyperparameters naming the field", () => {
    const tensors = [tensor("w", "linear", 1)];
    assert.throws(() => new AdamW({ kernels: referenceKernels, tensors, beta2: 1 }), (e: unknown) => e instanceof ConfigError && e.field === "optimizer.beta2");
    assert.throws(() => new AdamW({ kernels: referenceKernels, tensors, weightDecay: -1 }), /weightDecay/);
    assert.throws(() => new AdamW({ kernels: referenceKernels, tensors: [{ ...tensors[0]!, grad: new Float32Array(3) }] }), /optimizer\.tensors\.w/);
    assert.throws(() => new AdamW({ kernels: referenceKernels, tensors }).step({ lr: Number.NaN }), /optimizer\.lr/);
});

test("cosine schedule: HF warmup (ceil of ratio), cosine to minLr, defaults", () => {
    const lr = cosineSchedule({ maxLr: 1, totalSteps: 100 });
    // Default warmup ratio 0.05 -> 5 warmup steps.
    assert.deepEqual([0, 1, 4].map(lr), [0, 0.2, 0.8]);
    assert.equal(lr(5), 1);
    assert.ok(Math.abs(lr(52.5) - 0.5) < 1e-12);
    assert.equal(lr(100), 0);
    assert.equal(lr(150), 0);
    const floor = cosineSchedule({ maxLr: 1e-3, totalSteps: 10, warmupRatio: 0.05, minLr: 1e-4 });
    // ceil(10 * 0.05) = 1 warmup step.
    assert.equal(floor(0), 0);
    assert.equal(floor(1), 1e-3);
    assert.ok(Math.abs(floor(10) - 1e-4) < 1e-15);
    assert.ok(Math.abs(floor(5.5) - 5.5e-4) < 1e-12);
    assert.equal(cosineSchedule({ maxLr: 2, totalSteps: 4, warmupRatio: 0 })(0), 2);
    assert.throws(() => cosineSchedule({ maxLr: 1, totalSteps: 0 }), /schedule\.totalSteps/);
    assert.throws(() => cosineSchedule({ maxLr: 1, totalSteps: 5, minLr: 2 }), /schedule\.minLr/);
    assert.throws(() => cosineSchedule({ maxLr: 1, totalSteps: 5, warmupRatio: 1.5 }), /schedule\.warmupRatio/);
});

test("clipGradNorm: global norm over every tensor, torch's coefficient, no clipping below the limit", () => {
    const grads = [Float32Array.of(3, 0), Float32Array.of(0, 4)];
    const clipped = clipGradNorm({ kernels: referenceKernels, grads, maxNorm: 1 });
    assert.equal(clipped.norm, 5);
    assert.equal(clipped.scale, Math.fround(1 / Math.fround(5 + 1e-6)));
    assert.deepEqual(clipGradNorm({ kernels: referenceKernels, grads, maxNorm: 10 }), { norm: 5, scale: 1 });
    assert.deepEqual(clipGradNorm({ kernels: referenceKernels, grads, maxNorm: null }), { norm: 5, scale: 1 });
    const bad = clipGradNorm({ kernels: referenceKernels, grads: [Float32Array.of(1, Number.NaN)], maxNorm: 1 });
    assert.ok(Number.isNaN(bad.norm));
});
