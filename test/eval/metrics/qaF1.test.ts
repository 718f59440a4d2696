// Hand-computed cases for Me-LLaMA's NormQA (per-character normalisation, set F1) and SQuAD's metric.
import assert from "node:assert/strict";
import { test } from "node:test";
import { paperNormalize, paperQaScores, squadNormalize, squadQaScores } from "../../../src/eval/metrics/qaF1.js";

test("paper normalisation spaces out every character (the source's bug)", () => {
    assert.equal(paperNormalize("The Pain!"), "t h e p a i n");
    // exact match therefore ignores spacing
    assert.equal(paperQaScores("ab", "a b").acc, 1);
});

test("paper F1 counts the set of shared characters over the token-list lengths", () => {
    // pred p a i n (4), gold t h e p a i n (7); shared set {p,a,i,n} = 4 -> P 1, R 4/7, F = 8/11
    assert.ok(Math.abs(paperQaScores("pain", "the pain").f1 - 8 / 11) < 1e-12);
    // pred a a a vs gold a: shared set {a} = 1 -> P 1/3, R 1, F 1/2
    assert.equal(paperQaScores("aaa", "a").f1, 0.5);
    assert.equal(paperQaScores("", "x").f1, 0);
    assert.equal(paperQaScores("", "").f1, 1);
});

test("strict is SQuAD v1.1: articles and punctuation dropped, multiset word F1", () => {
    assert.equal(squadNormalize("The  Pain."), "pain");
    assert.deepEqual(squadQaScores("the pain", "Pain."), { acc: 1, f1: 1 });
    // chest pain pain vs pain: one shared token -> P 1/3, R 1, F 1/2
    assert.equal(squadQaScores("chest pain pain", "pain").f1, 0.5);
    assert.equal(squadQaScores("", "").f1, 1);
});
