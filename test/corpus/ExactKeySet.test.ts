/**
 * The exact-duplicate index against a Set oracle: real exactKey digests with repeats, through several grows, and
 * keys that share their first words or are all zero in their first 128 bits (the table's empty marker).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { exactKey } from "../../src/corpus/dedup.js";
import { ExactKeySet } from "../../src/corpus/ExactKeySet.js";
import { Rng } from "../../src/util/rng.js";

test("ExactKeySet.add answers like a Set of the keys", () => {
    const rng = new Rng(5);
    const set = new ExactKeySet(4);
    const oracle = new Set<string>();
    const keys = Array.from({ length: 3000 }, (_, i) => exactKey(`document ${i % 2000} ${rng.int(3)}`));
    const zero = "\0".repeat(20);
    keys.push(zero, zero, `${"\0".repeat(16)}abcd`, `${"\0".repeat(12)}\x01\0\0\0xxxx`, `${keys[0]!.slice(0, 12)}\0\0\0\0${keys[0]!.slice(16)}`);
    for (const key of keys) {
        // The index keeps 128 bits: keys equal in their first 16 characters are one key (the oracle too).
        const first = key.slice(0, 16);
        assert.equal(set.add(key), !oracle.has(first), `key ${JSON.stringify(key)}`);
        oracle.add(first);
    }
    assert.equal(set.size, oracle.size);
    assert.throws(() => set.add("short"), RangeError);
});
