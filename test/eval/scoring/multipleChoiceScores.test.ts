/** acc and acc_norm by lm-eval's formula on hand-computed cases: argmax of lls, and of lls / len(choice) in code points. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { multipleChoiceScores } from "../../../src/eval/tasks/multipleChoice/multipleChoiceVariant.js";
import { countBytes, countWords, perplexityMetrics } from "../../../src/eval/tasks/perplexity/perplexityTask.js";
import { rollingWindows } from "../../../src/eval/scoring/rollingWindows.js";
import { splitTrailingSpace } from "../../../src/eval/scoring/encodePair.js";

test("acc picks the highest log-likelihood, acc_norm the highest per character of the choice", () => {
    // -3 > -6, but per character -3 / 1 = -3 < -6 / 3 = -2.
    assert.deepEqual(multipleChoiceScores(["a", "bbb"], 1, [-3, -6]), { acc: 0, acc_norm: 1, pred: 0, pred_norm: 1 });
    // Ties go to the first choice, as np.argmax.
    assert.deepEqual(multipleChoiceScores(["yes", "no!"], 0, [-2, -2]), { acc: 1, acc_norm: 1, pred: 0, pred_norm: 0 });
    // Code points, not UTF-16 units or bytes: "café" is 4 (-8 / 4 = -2 beats -9 / 3 = -3).
    assert.deepEqual(multipleChoiceScores(["café", "thé"], 0, [-8, -9]), { acc: 1, acc_norm: 1, pred: 0, pred_norm: 0 });
    assert.deepEqual(multipleChoiceScores(["😀😀", "abc"], 0, [-5, -6]), { acc: 1, acc_norm: 0, pred: 0, pred_norm: 1 });
});

test("lm-eval's _encode_pair moves the context's trailing whitespace onto the continuation", () => {
    assert.deepEqual(splitTrailingSpace("The answer is:\n", " yes"), { context: "The answer is:", continuation: "\n yes" });
    assert.deepEqual(splitTrailingSpace("Q: ", "A"), { context: "Q:", continuation: " A" });
    assert.deepEqual(splitTrailingSpace("Q:", " A"), { context: "Q:", continuation: " A" });
});

test("rolling windows: disjoint, every token predicted once, each with as much preceding context as fits", () => {
    const tokens = [10, 11, 12, 13, 14, 15, 16];
    assert.deepEqual(rollingWindows(tokens, 1, 3), [
        { context: [1], continuation: [10, 11, 12] },
        { context: [12], continuation: [13, 14, 15] },
        { context: [13, 14, 15], continuation: [16] },
    ]);
    assert.deepEqual(rollingWindows([], 1, 3), []);
    assert.throws(() => rollingWindows(tokens, 1, 0), /at least 1 token/);
});

test("word and byte perplexity and bits per byte are corpus-level, from summed log-likelihoods", () => {
    assert.equal(countWords("a  b\nc"), 3);
    assert.equal(countWords(" a "), 3, "re.split keeps the empty edges");
    assert.equal(countBytes("café"), 5);
    const m = perplexityMetrics([{ parsed: "", gold: "", scores: { logprob: -10, words: 4, bytes: 20 } },
        { parsed: "", gold: "", scores: { logprob: -6, words: 4, bytes: 12 } }]);
    assert.ok(Math.abs(m.word_perplexity!.value - Math.exp(2)) < 1e-12);
    assert.ok(Math.abs(m.byte_perplexity!.value - Math.exp(0.5)) < 1e-12);
    assert.ok(Math.abs(m.bits_per_byte!.value - 0.5 / Math.LN2) < 1e-12);
});
