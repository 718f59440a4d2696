import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../../src/errors/MellamaError.js";
import { ShardSampler } from "../../../src/formats/shards/index.js";

test("each epoch is a permutation, epochs differ, and the same seed gives the same order", () => {
    const a = new ShardSampler({ numSequences: 50, seed: 7 });
    const b = new ShardSampler({ numSequences: 50, seed: 7 });
    const e0 = Array.from({ length: 50 }, () => a.next());
    const e1 = Array.from({ length: 50 }, () => a.next());
    assert.deepEqual([...e0].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual([...e1].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual(e0, e1);
    assert.deepEqual(Array.from({ length: 50 }, () => b.next()), e0);
    const other = new ShardSampler({ numSequences: 50, seed: 8 });
    assert.notDeepEqual(Array.from({ length: 50 }, () => other.next()), e0);
    assert.deepEqual(Array.from({ length: 5 }, ((s) => () => s.next())(new ShardSampler({ numSequences: 5, shuffle: false }))), [0, 1, 2, 3, 4]);
});

test("restore() from a JSON round trip continues with exactly the sequences an uninterrupted run sees", () => {
    const full = new ShardSampler({ numSequences: 13, seed: 3 });
    const expected = Array.from({ length: 60 }, () => full.next());
    for (const cut of [0, 5, 13, 26, 40]) {
        const first = new ShardSampler({ numSequences: 13, seed: 3 });
        const seen = Array.from({ length: cut }, () => first.next());
        const resumed = new ShardSampler({ numSequences: 13, seed: 999 });
        resumed.restore(JSON.parse(JSON.stringify(first.state())));
        seen.push(...Array.from({ length: 60 - cut }, () => resumed.next()));
        assert.deepEqual(seen, expected, `cut at ${cut}`);
    }
});

test("a state from another dataset or an empty dataset is a ConfigError", () => {
    assert.throws(() => new ShardSampler({ numSequences: 0 }), ConfigError);
    const s = new ShardSampler({ numSequences: 4 });
    assert.throws(() => s.restore({ seed: 1, epoch: 0, position: 9 }), /sampler\.position/);
    assert.throws(() => s.restore({ seed: 1, epoch: -1, position: 0 }), /sampler\.epoch/);
});
