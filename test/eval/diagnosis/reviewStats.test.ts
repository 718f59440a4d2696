import assert from "node:assert/strict";
import { test } from "node:test";
import type { ReviewKey } from "../../../src/eval/judges/review/ReviewKey.js";
import { reviewStats } from "../../../src/eval/judges/review/reviewStats.js";
import { cohenKappa } from "../../../src/eval/metrics/kappa.js";

const KEY: ReviewKey = {
    format: "mellama-diagnosis-review", version: 1, packId: "p", created: "", seed: 1, verdicts: ["exact", "equivalent", "related", "wrong"],
    arms: [{ runDir: "/nonexistent", task: "diagnosis", model: "m" }],
    items: [{ item: "R002", arm: 0, caseId: "c2", candidates: ["x", "y", "z"] }, { item: "R001", arm: 0, caseId: "c1", candidates: ["u", "v"] }],
    emptyAnswers: [{ arm: 0, caseId: "c3" }],
    reviewers: [{ reviewer: "r1", order: ["R001", "R002"] }, { reviewer: "r2", order: ["R002", "R001"] }],
};

test("clinician top-K by hand: unfinished items left out per reviewer, empty answers never found, consensus needs a strict majority", () => {
    const verdicts = {
        r1: { "R001|1": "wrong", "R001|2": "exact", "R002|1": "related", "R002|2": "wrong", "R002|3": "equivalent" },
        r2: { "R001|1": "exact", "R001|2": "wrong", "R002|1": "related" },
    };
    const r = reviewStats(KEY, verdicts, []);
    const arm = r.arms[0]!;
    // r1: c1 at rank 2, c2 at rank 3, c3 empty.
    assert.equal(arm.clinicians.r1!.n, 3);
    assert.deepEqual(arm.clinicians.r1!.accuracy.slice(0, 4), [0, 1 / 3, 2 / 3, 2 / 3]);
    // r2 did not finish c2: c1 at rank 1, c3 empty.
    assert.equal(arm.clinicians.r2!.n, 2);
    assert.deepEqual(arm.clinicians.r2!.accuracy.slice(0, 3), [0.5, 0.5, 0.5]);
    // Consensus: c1 split 1-1 at both ranks (not correct), c2 graded by r1 only (rank 3), c3 empty.
    assert.deepEqual(arm.consensus.accuracy.slice(0, 3), [0, 0, 1 / 3]);
    const pair = r.agreement.find((x) => x.a === "r1" && x.b === "r2" && x.labels === "verdict")!;
    assert.equal(pair.units, 3);
    assert.equal(pair.kappa, cohenKappa(["wrong", "exact", "related"], ["exact", "wrong", "related"]));
    assert.equal(pair.percent, 1 / 3);
    const binary = r.agreement.find((x) => x.a === "r1" && x.b === "r2" && x.labels === "correct")!;
    assert.equal(binary.kappa, cohenKappa(["no", "yes", "no"], ["yes", "no", "no"]));
    assert.equal(r.fleiss.length, 0, "Fleiss' kappa needs three reviewers");
    assert.equal(r.agreement.find((x) => x.a === "match")!.units, 0, "no run to read the match judge from");
});
