import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { getKernelSet, type KernelSet } from "../../../src/kernels/index.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { LoraAdapters } from "../../../src/model/lora/LoraAdapters.js";
import { mergeLora } from "../../../src/model/lora/peftAdapter.js";
import { loadStateFixture, relMaxAbsError } from "../../helpers/loadStateFixture.js";
import { concat } from "../../helpers/concat.js";

// Oracle: reference/py/make_lora_state.py (PyTorch; LoRA on all seven linears, frozen base, GQA, dropout 0).
interface LoraHeader {
    config: LlamaConfig; lora: { r: number; alpha: number }; batch: { B: number; T: number }; loss: number;
    stepLosses: number[]; adamw: { lr: number; betas: [number, number]; eps: number; weightDecay: number };
    tensors: Record<string, { shape: number[]; offset: number }>;
}
const fixture = loadStateFixture<LoraHeader>(fileURLToPath(new URL("../../fixtures/lora/lora_state.json", import.meta.url)));
const { config, batch: { B, T } } = fixture.header;
// Tolerances: float32 kernels against float32 PyTorch; gradients of A/B pass through 2 layers of attention.
const GRAD_TOL = 1e-4;
const LOSS_TOL = 1e-5;

function build(kernels: KernelSet): { model: LlamaModel; lora: LoraAdapters } {
    const model = new LlamaModel({ config, kernels, maxBatch: B, maxT: T });
    for (const spec of model.layout) {
        model.tensor(spec.name).set(fixture.tensor(spec.hfName));
    }
    const lora = LoraAdapters.attach(model, { r: fixture.header.lora.r, alpha: fixture.header.lora.alpha, dropout: 0,
        targets: ["qProj", "kProj", "vProj", "oProj", "gateProj", "upProj", "downProj"], seed: 1 });
    for (const t of lora.tensors) {
        lora.params.set(fixture.tensor(`${t.peftModule}.lora_A.weight`), t.aOffset);
        lora.params.set(fixture.tensor(`${t.peftModule}.lora_B.weight`), t.bOffset);
    }
    return { model, lora };
}

const tokens = Int32Array.from(fixture.tensor("tokens"));
const targets = Int32Array.from(fixture.tensor("targets"));

for (const kind of ["reference", "native"] as const) {
    let kernels: KernelSet | null;
    try {
        kernels = kind === "reference" ? referenceKernels : getKernelSet({ kind: "native", threads: 2 });
    } catch {
        kernels = null;
    }
    test(`LoRA matches PyTorch: loss, logits, A and B gradients, 3 AdamW steps (${kind} kernels)`, { skip: kernels === null && "native addon not built" }, () => {
        const { model, lora } = build(kernels!);
        model.zeroGrad();
        const loss = model.forward(tokens, targets, B, T, { computeGrad: false });
        assert.ok(Math.abs(loss - fixture.header.loss) < LOSS_TOL, `loss ${loss} vs ${fixture.header.loss}`);
        assert.ok(relMaxAbsError(model.logits.subarray(0, B * T * config.vocabSize), fixture.tensor("logits")) < GRAD_TOL);
        model.forward(tokens, targets, B, T);
        model.backward();
        assert.ok(concat(model.grads!).every((g) => g === 0), "the frozen base must get no gradient");
        for (const t of lora.tensors) {
            for (const [which, offset, size] of [["A", t.aOffset, t.inFeatures], ["B", t.bOffset, t.outFeatures]] as const) {
                const actual = lora.grads.subarray(offset, offset + size * fixture.header.lora.r);
                const err = relMaxAbsError(actual, fixture.tensor(`grad.${t.peftModule}.lora_${which}.weight`));
                assert.ok(err < GRAD_TOL, `${t.peftModule} lora_${which}: rel err ${err}`);
            }
        }
        const { lr, betas, eps, weightDecay } = fixture.header.adamw;
        const m = new Float32Array(lora.params.length);
        const v = new Float32Array(lora.params.length);
        for (let step = 1; step <= fixture.header.stepLosses.length; step++) {
            model.zeroGrad();
            const stepLoss = model.forward(tokens, targets, B, T);
            assert.ok(Math.abs(stepLoss - fixture.header.stepLosses[step - 1]!) < LOSS_TOL, `step ${step}: ${stepLoss} vs ${fixture.header.stepLosses[step - 1]}`);
            model.backward();
            kernels!.adamwUpdate(lora.params, lora.grads, m, v, lora.params.length, lr, betas[0], betas[1], eps, weightDecay, step, 1);
        }
    });
}

test("merging folds alpha/r · B A into the base exactly as PyTorch computes it", () => {
    const { model, lora } = build(referenceKernels);
    mergeLora(model, lora);
    for (const spec of model.layout) {
        const err = relMaxAbsError(model.tensor(spec.name), fixture.tensor(`merged.${spec.hfName}`));
        assert.ok(err < 1e-6, `${spec.hfName}: rel err ${err}`);
    }
});
