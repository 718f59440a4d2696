/**
 * trainStep: gradient accumulation means the mean of the micro-batch losses, NaN/Inf stops training with an error
 * naming the step before any weight changes, and the model's input checks and frozen base.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ModelInputError } from "../../src/errors/ModelInputError.js";
import { NonFiniteTrainingError } from "../../src/errors/NonFiniteTrainingError.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import type { LinearAdapters, LinearName } from "../../src/model/LinearAdapters.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { AdamW } from "../../src/optim/AdamW.js";
import { trainableTensors } from "../../src/optim/trainableTensors.js";
import { trainStep } from "../../src/train/trainStep.js";
import { concat } from "../helpers/concat.js";

const config: LlamaConfig = { dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 24, vocabSize: 11, maxSeqLen: 8,
    normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
const B = 2;
const T = 6;
const batch = (shift: number): { tokens: Int32Array; targets: Int32Array } => ({
    tokens: Int32Array.from({ length: B * T }, (_, i) => (i * 3 + shift) % 11),
    targets: Int32Array.from({ length: B * T }, (_, i) => (i % 5 === 0 ? -100 : (i * 7 + shift) % 11)),
});
const newModel = (): LlamaModel => {
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: B, maxT: T });
    model.initWeights(3, 0.2);
    return model;
};

test("K micro-batches accumulate the gradient of the mean of their mean losses", () => {
    const a = batch(0);
    const b = batch(4);
    const model = newModel();
    const opt = new AdamW({ kernels: referenceKernels, tensors: trainableTensors(model) });
    const r = trainStep({ model, optimizer: opt, microBatches: [a, b], B, T, step: 0, lr: 0, maxGradNorm: null });
    const accumulated = concat(model.grads!);
    const ref = newModel();
    ref.zeroGrad();
    const la = ref.forward(a.tokens, a.targets, B, T);
    ref.backward();
    const ga = concat(ref.grads!);
    ref.zeroGrad();
    const lb = ref.forward(b.tokens, b.targets, B, T);
    ref.backward();
    assert.ok(Math.abs(r.loss - (la + lb) / 2) < 1e-6);
    let maxDiff = 0;
    const gb = concat(ref.grads!);
    accumulated.forEach((g, i) => { maxDiff = Math.max(maxDiff, Math.abs(g - (ga[i]! + gb[i]!) / 2)); });
    assert.ok(maxDiff < 1e-6, `max diff ${maxDiff}`);
    assert.ok(r.gradNorm > 0);
});

test("a NaN loss stops training with NonFiniteTrainingError naming the step, weights untouched", () => {
    const model = newModel();
    const opt = new AdamW({ kernels: referenceKernels, tensors: trainableTensors(model) });
    model.tensor("layers.1.upProj")[5] = Number.NaN;
    const before = concat(model.layout.map((p) => model.tensor(p.name)));
    assert.throws(() => trainStep({ model, optimizer: opt, microBatches: [batch(0), batch(1)], B, T, step: 41, lr: 1e-3 }),
        (e: unknown) => e instanceof NonFiniteTrainingError && e.step === 41 && e.quantity === "loss" && /step 41 \(micro-batch 0\)/.test(e.message));
    assert.deepEqual(concat(model.layout.map((p) => model.tensor(p.name))), before);
    assert.equal(opt.stepCount, 0);
});

test("an infinite gradient norm stops training naming the step", () => {
    const model = newModel();
    const opt = new AdamW({ kernels: referenceKernels, tensors: trainableTensors(model) });
    const before = concat(model.layout.map((p) => model.tensor(p.name)));
    assert.throws(() => trainStep({ model, optimizer: opt, microBatches: [batch(0)], B, T, step: 7, lr: 1e-3,
        extraGrads: [Float32Array.of(Number.POSITIVE_INFINITY)] }),
    (e: unknown) => e instanceof NonFiniteTrainingError && e.step === 7 && /step 7: gradient norm is Infinity/.test(e.message));
    assert.deepEqual(concat(model.layout.map((p) => model.tensor(p.name))), before);
});

test("bad tokens, targets and shapes are refused with ModelInputError", () => {
    const model = newModel();
    const { tokens, targets } = batch(0);
    const bad = Int32Array.from(tokens);
    bad[3] = 11;
    assert.throws(() => model.forward(bad, targets, B, T), (e: unknown) => e instanceof ModelInputError && /position 3/.test(e.message));
    const badTargets = Int32Array.from(targets);
    badTargets[2] = -1;
    assert.throws(() => model.forward(tokens, badTargets, B, T), (e: unknown) => e instanceof ModelInputError && e.argument === "targets");
    assert.throws(() => model.forward(tokens, targets, B + 1, T), ModelInputError);
    assert.throws(() => model.forward(tokens, targets, B, T + 3), ModelInputError);
    assert.throws(() => model.forward(tokens.subarray(0, 5), targets, B, T), ModelInputError);
    assert.throws(() => model.backward(), (e: unknown) => e instanceof ModelInputError && e.argument === "backward");
});

test("frozen base: adapters see every linear, base gradients stay zero, no optimizer tensors", () => {
    const model = newModel();
    const calls: string[] = [];
    let dxNorm = 0;
    const adapters: LinearAdapters = {
        forward: (layer: number, linear: LinearName) => { calls.push(`f${layer}.${linear}`); },
        backward: (layer: number, linear: LinearName, dx: Float32Array) => {
            calls.push(`b${layer}.${linear}`);
            dxNorm += dx.reduce((s, x) => s + x * x, 0);
        },
        zeroGrad: () => { calls.push("zero"); },
    };
    model.lora = adapters;
    model.frozenBase = true;
    assert.deepEqual(trainableTensors(model), []);
    const { tokens, targets } = batch(2);
    model.zeroGrad();
    model.forward(tokens, targets, B, T);
    model.backward();
    assert.equal(calls.filter((c) => c.startsWith("f")).length, 14);
    assert.equal(calls.filter((c) => c.startsWith("b")).length, 14);
    assert.equal(calls[0], "zero");
    assert.ok(calls.includes("b0.qProj") && calls.includes("f1.downProj"));
    assert.ok(concat(model.grads!).every((g) => g === 0));
    assert.ok(dxNorm > 0, "input gradients still flow through a frozen base");
});

test("a model built frozen has no base-gradient arena, still backpropagates to adapters, and cannot be unfrozen", () => {
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: B, maxT: T, frozenBase: true });
    model.initWeights(3, 0.2);
    assert.equal(model.grads, null);
    let backwards = 0;
    model.lora = { forward: () => undefined, backward: () => { backwards++; }, zeroGrad: () => undefined };
    const { tokens, targets } = batch(1);
    model.zeroGrad();
    assert.ok(Number.isFinite(model.forward(tokens, targets, B, T)));
    model.backward();
    assert.equal(backwards, 14);
    model.frozenBase = false;
    model.forward(tokens, targets, B, T);
    assert.throws(() => model.backward(), (e: unknown) => e instanceof ModelInputError && e.argument === "frozenBase");
    const inference = new LlamaModel({ config, kernels: referenceKernels, maxBatch: B, maxT: T, training: false });
    inference.initWeights(3, 0.2);
    inference.forward(tokens, targets, B, T);
    assert.throws(() => inference.backward(), ModelInputError);
});

test("recomputing the norm and SwiGLU outputs in backward gives bitwise the same gradients", () => {
    const { tokens, targets } = batch(3);
    const run = (recompute: boolean): Float32Array => {
        const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: B, maxT: T, recompute });
        model.initWeights(5, 0.3);
        model.zeroGrad();
        model.forward(tokens, targets, B, T);
        model.backward();
        return concat(model.grads!);
    };
    assert.deepEqual(run(true), run(false));
});
