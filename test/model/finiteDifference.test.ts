/**
 * Central finite differences against LlamaModel.backward on a tiny shape (2 layers, GQA 2:1, tied and untied),
 * for every parameter, with the reference kernels. The kernels compute in float32 only (no float64 path), so the
 * step is a compromise: the loss (~2) carries ~1e-7 relative rounding noise, which a step h turns into
 * ~1e-7 · 2 / (2h) of gradient noise, while the truncation error grows as h² · f'''/6. h = 1e-2 keeps both near
 * 1e-5..1e-4; the tolerance 5e-3 · max|grad| of the tensor (plus 1e-4) is well above that and far below the size
 * of any real backward mistake (a dropped or doubled term moves an entry by a sizeable fraction of max|grad|).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";

const H = 1e-2;

for (const tieEmbeddings of [false, true]) {
    test(`finite differences match backward for every parameter (${tieEmbeddings ? "tied" : "untied"})`, () => {
        const config: LlamaConfig = { dim: 8, nLayers: 2, nHeads: 2, nKvHeads: 1, hiddenDim: 12, vocabSize: 7, maxSeqLen: 8,
            normEps: 1e-5, ropeTheta: 10000, tieEmbeddings };
        const B = 2;
        const T = 5;
        const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: B, maxT: T });
        model.initWeights(7, 0.4);
        for (const spec of model.layout) {
            if (spec.kind === "norm") {
                // Non-unit norm weights so their gradients are not a special case.
                const w = model.tensor(spec.name);
                w.forEach((_, i) => { w[i] = 1 + 0.3 * Math.sin(3 * i + spec.offset); });
            }
        }
        const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 3) % config.vocabSize);
        const targets = Int32Array.from({ length: B * T }, (_, i) => (i % 4 === 1 ? -100 : (i * 3 + 1) % config.vocabSize));
        model.zeroGrad();
        model.forward(tokens, targets, B, T);
        model.backward();
        const lossAt = (): number => model.forward(tokens, targets, B, T, { computeGrad: false });
        let checked = 0;
        for (const spec of model.layout) {
            const w = model.tensor(spec.name);
            const g = model.grad(spec.name);
            const scale = g.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
            const tol = 5e-3 * scale + 1e-4;
            for (let i = 0; i < w.length; i++) {
                const orig = w[i]!;
                w[i] = orig + H;
                const up = w[i]!;
                const lp = lossAt();
                w[i] = orig - H;
                const down = w[i]!;
                const lm = lossAt();
                w[i] = orig;
                // Divide by the step actually taken after float32 rounding of the perturbed weight.
                const fd = (lp - lm) / (up - down);
                assert.ok(Math.abs(fd - g[i]!) <= tol,
                    `${spec.name}[${i}]: finite difference ${fd} vs backward ${g[i]} (tol ${tol.toExponential(2)})`);
                checked++;
            }
        }
        assert.equal(checked, model.layout.reduce((n, s) => n + s.size, 0));
    });
}
