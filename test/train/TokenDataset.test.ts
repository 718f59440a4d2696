import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/errors/MellamaError.js";
import { EpochOrder } from "../../src/train/TokenDataset.js";

const epoch = (order: EpochOrder, e: number, n: number): number[] => Array.from({ length: n }, (_, i) => order.at(e * n + i));

test("EpochOrder: each epoch is a permutation, epochs differ, the same seed gives the same order, any position first", () => {
    const a = new EpochOrder(50, 7);
    const e0 = epoch(a, 0, 50);
    const e1 = epoch(a, 1, 50);
    const all = Array.from({ length: 50 }, (_, i) => i);
    assert.deepEqual([...e0].sort((x, y) => x - y), all);
    assert.deepEqual([...e1].sort((x, y) => x - y), all);
    assert.notDeepEqual(e0, e1);
    // A pure function of (seed, position): a fresh order asked for epoch 1 first (a resumed run) agrees.
    assert.deepEqual(epoch(new EpochOrder(50, 7), 1, 50), e1);
    assert.notDeepEqual(epoch(new EpochOrder(50, 8), 0, 50), e0);
    assert.deepEqual(epoch(new EpochOrder(5, 1, false), 3, 5), [0, 1, 2, 3, 4]);
    assert.throws(() => new EpochOrder(0, 1), ConfigError);
});
