// A constant output scores what an independent computation from the gold distribution says: for a constant
// prediction c over labels = set(golds), F1(c) = 2p/(p+1) with p = share of c in gold, every other label 0.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Scoring } from "../../../src/eval/api/Task.js";
import { getTask } from "../../../src/eval/tasks/registry.js";
import { dataDirFor, skipWithoutData } from "./taskFixtures.js";

const TOL = 1e-12;

async function constant(task: string, output: string, scoring: Scoring) {
    const t = getTask(task);
    const docs = await t.loadDocs({ dataDir: dataDirFor(task), onError: "fail" });
    const metrics = t.aggregate(docs, docs.map((d) => t.processResult(d, output, scoring)), scoring);
    return { docs, metrics };
}

for (const [task, output, label] of [["pubmedqa", "Yes.", "yes"], ["ddi2013", "DDI-false", "DDI-false"], ["medqa", "A", "A"],
    ["medmcqa", "C", "C"], ["mednli", "neutral", "neutral"]] as const) {
    test(`${task}: constant "${output}" scores the share of "${label}" (acc) and its one-class F1 (macro)`, { skip: skipWithoutData(task) }, async () => {
        for (const scoring of ["paper", "strict"] as const) {
            const { docs, metrics } = await constant(task, output, scoring);
            const p = docs.filter((d) => d.answer === label).length / docs.length;
            const classes = new Set(docs.map((d) => d.answer)).size;
            const f1 = (2 * p) / (p + 1);
            assert.ok(Math.abs(metrics.acc!.value - p) < TOL, `${scoring} acc`);
            assert.ok(Math.abs(metrics.macro_f1!.value - f1 / classes) < TOL, `${scoring} macro`);
            assert.ok(Math.abs(metrics.f1!.value - f1 * p) < TOL, `${scoring} weighted`);
        }
    });
}

test("hoc: naming every hallmark gives each label F1 2p/(p+1); naming none gives 0", { skip: skipWithoutData("hoc") }, async () => {
    const all = "sustaining proliferative signaling; evading growth suppressors; resisting cell death; enabling replicative "
        + "immortality; inducing angiogenesis; activating invasion and metastasis; genomic instability and mutation; tumor "
        + "promoting inflammation; cellular energetics; avoiding immune destruction";
    const { docs, metrics } = await constant("hoc", all, "paper");
    const f1s = docs[0]!.choices.map((_, j) => {
        const p = docs.filter((d) => (d.gold as number[])[j] === 1).length / docs.length;
        return (2 * p) / (p + 1);
    });
    assert.ok(Math.abs(metrics.macro_f1!.value - f1s.reduce((a, b) => a + b, 0) / 10) < TOL);
    assert.equal((await constant("hoc", "none of these", "paper")).metrics.macro_f1!.value, 0);
});

test("emrqa: a constant answer scores the hand-computed character-set F1 (paper) and word F1 (strict)", async () => {
    // Golds: "hypertension", "no acute process", "Metformin was held", "Creatinine peaked at 2.1."
    // Output "hypertension": paper exact match on doc 1 only (1/4). Strict word F1: 1, 0, 0, 0 -> 0.25.
    const paper = await constant("emrqa", "hypertension", "paper");
    assert.equal(paper.metrics.acc!.value, 0.25);
    const strict = await constant("emrqa", "hypertension", "strict");
    assert.equal(strict.metrics.f1!.value, 0.25);
    // Paper F1 for doc 2: pred chars h y p e r t e n s i o n (12), gold "no acute process" chars n o a c u t e p r o c e s s (14);
    // shared set {n, o, e, t, p, r, s} = 7 -> P 7/12, R 7/14, F = 2PR/(P+R) = 7/13.
    // Doc 1 is the exact answer, yet scores 10/12: "hypertension" has 12 characters but 10 distinct ones.
    const f1Doc2 = paper.metrics.f1!.value * 4 - 10 / 12;
    // doc 3 gold "metformin was held" chars m e t f o r m i n w a s h e l d (16); shared {h,e,r,t,n,s,i,o} = 8 -> P 8/12, R 8/16
    // doc 4 gold "creatinine peaked at 2 1" chars c r e a t i n i n e p e a k e d a t 2 1 (20); shared {r,e,t,i,n,p} = 6 -> P 6/12, R 6/20
    const f = (p: number, r: number): number => (2 * p * r) / (p + r);
    assert.ok(Math.abs(f1Doc2 - (7 / 13 + f(8 / 12, 8 / 16) + f(6 / 12, 6 / 20))) < 1e-12);
});

test("mimicsum: a constant summary scores the hand-computed ROUGE means; BERTScore through the helper", async () => {
    // Golds: "No acute cardiopulmonary process." / "Small left pleural effusion." / "Endotracheal tube in standard position."
    // Output "no acute cardiopulmonary process": doc 1 matches exactly (R1 = R2 = RL = 1), docs 2 and 3 share no token.
    const { docs, metrics } = await constant("mimicsum", "no acute cardiopulmonary process", "paper");
    for (const key of ["rouge1", "rouge2", "rougeL"]) {
        assert.ok(Math.abs(metrics[key]!.value - 1 / 3) < TOL, key);
    }
    const { summarizationBertScore } = await import("../../../src/eval/tasks/summarizationTask.js");
    const { createHashEmbedder } = await import("../../../src/eval/metrics/createHashEmbedder.js");
    const bert = await summarizationBertScore(docs, docs.map((d) => d.answer), createHashEmbedder());
    assert.ok(Math.abs(bert.value - 1) < 1e-6);
});
