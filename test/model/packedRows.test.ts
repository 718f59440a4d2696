/**
 * Packed rows (several examples per row, positions restarting at 0, block-diagonal causal attention):
 * 1. against the PyTorch oracle of reference/py/make_packed_state.py (HF-style position_ids and a 4D
 *    block-diagonal mask): logits and every gradient within 1e-4 relative max-abs error, the loss within 1e-5
 *    (the tolerances of llamaForwardBackward.test.ts, for the same reason: float32 with other summation orders);
 * 2. the loss sum and the gradients of the sum over a packed batch equal the sums over each example run alone in
 *    its own right-padded row, within 2e-5 relative (float32 rounding of differently ordered sums; a mask that let
 *    one example see another, or positions that did not restart, changes them at the 1e-1 level). Rows span
 *    several of the native kernels' 64-key blocks, with examples crossing block boundaries.
 * Both on the reference kernels and on the native ones when the addon is built.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ModelInputError } from "../../src/errors/ModelInputError.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { Rng } from "../../src/util/rng.js";
import { concat } from "../helpers/concat.js";
import { checkTensor, fixtureKernelSets, loadFixtureWeights, loadLlamaFixture } from "./llamaFixture.js";

const TENSOR_TOL = 1e-4;
const LOSS_TOL = 1e-5;
const SUM_TOL = 2e-5;

const sets = fixtureKernelSets();

const fx = loadLlamaFixture("packed");

for (const [label, set] of sets) {
    const skip = typeof set === "string" ? set : false;
    const kernels = typeof set === "string" ? null : set;

    test(`${label}: a packed batch's logits, loss and every gradient match PyTorch's position_ids + block-diagonal mask`, { skip }, () => {
        const { B, T } = fx;
        const model = new LlamaModel({ config: fx.config, kernels: kernels!, maxBatch: B, maxT: T });
        loadFixtureWeights(model, fx);
        const tokens = fx.ints("tokens");
        const targets = fx.ints("targets");
        const positions = fx.ints("positions");
        const lossNoGrad = model.forward(tokens, targets, B, T, { positions, computeGrad: false });
        checkTensor(model.lastLogits, fx.tensor("logits"), "logits", TENSOR_TOL);
        assert.ok(Math.abs(lossNoGrad - fx.loss) <= LOSS_TOL, `loss ${lossNoGrad} vs ${fx.loss}`);
        model.zeroGrad();
        const loss = model.forward(tokens, targets, B, T, { positions });
        assert.ok(Math.abs(loss - fx.loss) <= LOSS_TOL, `training loss ${loss} vs ${fx.loss}`);
        model.backward();
        for (const spec of model.layout) {
            checkTensor(model.grad(spec.name), fx.tensor(`grad:${spec.hfName}`), `grad ${spec.name}`, TENSOR_TOL);
        }
        // Without positions the same batch is one causal sequence per row: the examples then see each other.
        const unpacked = model.forward(tokens, targets, B, T, { computeGrad: false });
        assert.ok(Math.abs(unpacked - fx.loss) > 1e-3, `unpacked loss ${unpacked} should differ from the packed ${fx.loss}`);
    });

    test(`${label}: packed loss and gradients equal the sums over each example alone (padded), across key blocks`, { skip }, () => {
        const config: LlamaConfig = { dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 48, vocabSize: 53, maxSeqLen: 160,
            normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
        const T = 150;
        const rows = [[70, 3, 1, 60, 16], [64, 65, 9]];
        const B = rows.length;
        const rng = new Rng(7);
        const packed = new LlamaModel({ config, kernels: kernels!, maxBatch: B, maxT: T });
        for (const spec of packed.layout) {
            const t = packed.tensor(spec.name);
            for (let i = 0; i < t.length; i++) {
                t[i] = spec.name.endsWith("ayernorm") || spec.name === "norm" ? 1 + 0.2 * (rng.next() - 0.5) : 0.6 * (rng.next() - 0.5);
            }
        }
        const tokens = new Int32Array(B * T);
        const targets = new Int32Array(B * T).fill(-100);
        const positions = new Int32Array(B * T);
        const examples: { row: number; col: number; n: number }[] = [];
        rows.forEach((lengths, r) => {
            let col = 0;
            for (const n of lengths) {
                for (let p = 0; p < n; p++) {
                    tokens[r * T + col + p] = 1 + rng.int(config.vocabSize - 1);
                    targets[r * T + col + p] = rng.next() < 0.3 && p < n - 1 ? -100 : rng.int(config.vocabSize);
                    positions[r * T + col + p] = p;
                }
                examples.push({ row: r, col, n });
                col += n;
            }
            for (let p = 0; col < T; col++, p++) {
                positions[r * T + col] = p;
            }
        });
        const valid = targets.filter((t) => t !== -100).length;
        packed.zeroGrad();
        const packedSum = packed.forward(tokens, targets, B, T, { positions, lossScale: valid }) * valid;
        packed.backward();
        const packedGrads = concat(packed.grads!);

        // Each example alone: a row of T with the example first, padding after, plain causal attention.
        packed.zeroGrad();
        let aloneSum = 0;
        for (const { row, col, n } of examples) {
            const tk = new Int32Array(T);
            const tg = new Int32Array(T).fill(-100);
            tk.set(tokens.subarray(row * T + col, row * T + col + n));
            tg.set(targets.subarray(row * T + col, row * T + col + n));
            const v = tg.filter((t) => t !== -100).length;
            aloneSum += packed.forward(tk, tg, 1, T, { lossScale: v }) * v;
            packed.backward();
        }
        assert.ok(Math.abs(packedSum - aloneSum) <= SUM_TOL * Math.abs(aloneSum), `loss sum packed ${packedSum} vs alone ${aloneSum}`);
        checkTensor(packedGrads, concat(packed.grads!), "gradients packed vs alone", SUM_TOL);
    });
}

test("positions that do not count up from 0 within a row are refused naming the row and column", () => {
    const config: LlamaConfig = { dim: 8, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 16, vocabSize: 11, maxSeqLen: 8,
        normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 4, training: false });
    const tokens = Int32Array.of(1, 2, 3, 4);
    for (const positions of [Int32Array.of(1, 2, 3, 4), Int32Array.of(0, 1, 3, 4), Int32Array.of(0, 1, 1, 2), Int32Array.of(0, 1)]) {
        assert.throws(() => model.forward(tokens, null, 1, 4, { positions }), (e: unknown) => e instanceof ModelInputError && /positions/.test(e.message));
    }
    model.forward(tokens, null, 1, 4, { positions: Int32Array.of(0, 1, 0, 0) });
});
