// Worked examples that document rouge-score's definitions (tokenizer, clipped n-gram counts, LCS) beside each
// expected value; the exact comparison with an independent implementation is rougeSeqevalOracle.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { lcsLength, rougeScores, rougeTokenize } from "../../../src/eval/metrics/rouge.js";

const close = (a: number, b: number, label: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${label}: ${a} vs ${b}`);

test("tokenizer: lowercase, non-[a-z0-9] runs become spaces, non-ASCII letters vanish", () => {
    assert.deepEqual(rougeTokenize("Don't STOP-now!"), ["don", "t", "stop", "now"]);
    assert.deepEqual(rougeTokenize("café naïve 5mg"), ["caf", "na", "ve", "5mg"]);
    assert.deepEqual(rougeTokenize("  ...  "), []);
});

test("ROUGE-1/2/L on a worked example", () => {
    // target: the cat sat on the mat (6 tokens); prediction: the cat was on the mat (6 tokens)
    // R1 overlap: the 2 + cat 1 + on 1 + mat 1 = 5 -> P = R = F = 5/6
    // R2: 5 bigrams each side; shared: "the cat", "on the", "the mat" -> 3/5
    // RL: LCS "the cat on the mat" = 5 -> 5/6
    const s = rougeScores("The cat sat on the mat.", "the cat was on the mat");
    close(s.rouge1.fmeasure, 5 / 6, "rouge1");
    close(s.rouge2.fmeasure, 3 / 5, "rouge2");
    close(s.rougeL.fmeasure, 5 / 6, "rougeL");
});

test("clipped counts, short predictions and empty sides", () => {
    // target "a b", prediction "a": R1 P = 1/1, R = 1/2, F = 2/3; R2: no prediction bigrams -> 0; RL: LCS 1 -> F 2/3
    const s = rougeScores("a b", "a");
    close(s.rouge1.fmeasure, 2 / 3, "rouge1");
    close(s.rouge2.fmeasure, 0, "rouge2");
    close(s.rougeL.fmeasure, 2 / 3, "rougeL");
    // target "a", prediction "a a a": overlap clipped to 1 -> P = 1/3, R = 1, F = 0.5
    close(rougeScores("a", "a a a").rouge1.fmeasure, 0.5, "clipped");
    const empty = rougeScores("a b", "!!!");
    assert.deepEqual([empty.rouge1.fmeasure, empty.rouge2.fmeasure, empty.rougeL.fmeasure], [0, 0, 0]);
});

test("rougeL is one LCS over the whole text, not per sentence", () => {
    // target "x y. z" and prediction "z. x y": LCS of [x,y,z] and [z,x,y] is 2 -> P = R = F = 2/3
    close(rougeScores("x y. z", "z. x y").rougeL.fmeasure, 2 / 3, "rougeL");
    assert.equal(lcsLength(["a", "b", "c", "b", "d", "a", "b"], ["b", "d", "c", "a", "b", "a"]), 4);
});
