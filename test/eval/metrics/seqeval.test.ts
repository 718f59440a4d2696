// Worked examples of seqeval's default (lenient IOB) entity extraction and micro P/R/F1; the exact comparison with
// an independent implementation is rougeSeqevalOracle.test.ts. Entity spans are (type, first, last) over the
// flattened sequence, as seqeval's get_entities.
import assert from "node:assert/strict";
import { test } from "node:test";
import { entityPrf, getEntities } from "../../../src/eval/metrics/seqeval.js";

test("get_entities: I- without B- opens an entity, a type change splits, sentences are separated by O", () => {
    assert.deepEqual(getEntities(["O", "I-PER", "I-PER", "O"]), [{ type: "PER", start: 1, end: 2 }]);
    assert.deepEqual(getEntities(["B-PER", "I-LOC"]), [{ type: "PER", start: 0, end: 0 }, { type: "LOC", start: 1, end: 1 }]);
    assert.deepEqual(getEntities(["B-X", "B-X", "I-X"]), [{ type: "X", start: 0, end: 0 }, { type: "X", start: 1, end: 2 }]);
    assert.deepEqual(getEntities(["B-problem", "I-problem", "O", "B-test"]),
        [{ type: "problem", start: 0, end: 1 }, { type: "test", start: 3, end: 3 }]);
});

test("micro precision, recall and F1 over exact entity matches", () => {
    // gold {A(0,0), B(2,3)}, pred {A(0,0), B(2,2)}: tp 1 -> P = R = F = 1/2
    const r = entityPrf([["B-A", "O", "B-B", "I-B"]], [["B-A", "O", "B-B", "O"]]);
    assert.deepEqual([r.tp, r.predicted, r.gold], [1, 2, 2]);
    assert.equal(r.f1, 0.5);
    // I-LOC after O in the prediction is the same entity as the gold's B-LOC: tp 2 of 2
    assert.equal(entityPrf([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "I-LOC"]]).f1, 1);
    // gold [[B-X, I-X], [I-X]] flattens to B-X I-X O I-X O: X(0,1) and X(3,3); pred finds only X(0,1): P 1, R 1/2, F 2/3
    const s = entityPrf([["B-X", "I-X"], ["I-X"]], [["B-X", "I-X"], ["O"]]);
    assert.ok(Math.abs(s.f1 - 2 / 3) < 1e-12);
    // nothing predicted and nothing gold: 0/0 is 0
    assert.equal(entityPrf([["O"]], [["O"]]).f1, 0);
});

test("seqeval README example: f1_score = 0.50", () => {
    const yTrue = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
    const yPred = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
    assert.equal(entityPrf(yTrue, yPred).f1, 0.5);
});
