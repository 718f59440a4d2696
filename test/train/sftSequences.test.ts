import assert from "node:assert/strict";
import { test } from "node:test";
import { buildSftSequences, IGNORE_INDEX, tokenizeExample } from "../../src/train/sftSequences.js";

// A character tokenizer: id = char code + 3 (0 pad, 1 BOS, 2 EOS); enough to check masks and layouts exactly.
const charTokenizer = {
    eosId: 2,
    encode: (text: string, options?: { bos?: boolean }): number[] => [...(options?.bos ? [1] : []), ...[...text].map((c) => c.charCodeAt(0) + 3)],
};

test("the loss is taken on the response and EOS only", () => {
    const { ids, promptLength } = tokenizeExample(charTokenizer, { prompt: "Q:", answer: "ab" });
    assert.deepEqual(ids, [1, 84, 61, 100, 101, 2]);
    assert.equal(promptLength, 3);
    const seq = buildSftSequences(charTokenizer, [{ prompt: "Q:", answer: "ab" }], 8, "pad", 0);
    // The final EOS also sits in the inputs (its own target is ignored), then padding.
    assert.deepEqual([...seq.tokens], [1, 84, 61, 100, 101, 2, 0, 0]);
    // targets[t] is the id at t+1 where it is a response token
    assert.deepEqual([...seq.targets], [IGNORE_INDEX, IGNORE_INDEX, 100, 101, 2, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX]);
    assert.equal(seq.lossTokens, 3);
});

test("pad layout cuts long prompts from the left and keeps the response", () => {
    const seq = buildSftSequences(charTokenizer, [{ prompt: "abcdefghij", answer: "XY" }], 4, "pad", 0);
    // ids: BOS a..j X Y EOS (14 ids); a row holds 5 ids: the last 5 = i j X Y EOS
    assert.deepEqual([...seq.tokens], [108, 109, 91, 92]);
    assert.deepEqual([...seq.targets], [IGNORE_INDEX, 91, 92, 2]);
    assert.equal(seq.truncated, 0);
});

test("pack layout concatenates examples across rows, each with its own mask", () => {
    const seq = buildSftSequences(charTokenizer, [{ prompt: "a", answer: "b" }, { prompt: "c", answer: "d" }], 3, "pack", 0);
    // flat ids: 1 a b 2 1 c d 2 (8 ids) -> rows of 3 inputs: [1 a b] [2 1 c] [d 2 pad]
    assert.equal(seq.rows, 3);
    assert.deepEqual([...seq.tokens], [1, 100, 101, 2, 1, 102, 103, 2, 0]);
    assert.deepEqual([...seq.targets], [IGNORE_INDEX, 101, 2, IGNORE_INDEX, IGNORE_INDEX, 103, 2, IGNORE_INDEX, IGNORE_INDEX]);
});
