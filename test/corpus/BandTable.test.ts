/**
 * The LSH band table against a Map oracle: same answers for present and absent keys across bands, first writer
 * kept, through several grows, with keys that differ only in the band, only in the high or only in the low bits
 * (the table keeps 32-bit fingerprints: a collision would show here as a wrong answer; this seed has none).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BandTable } from "../../src/corpus/BandTable.js";
import { Rng } from "../../src/util/rng.js";

test("BandTable answers like a Map keyed by (band, key) and keeps the first document", () => {
    const rng = new Rng(11);
    const table = new BandTable(4);
    const oracle = new Map<string, number>();
    const keys: [number, number, number][] = [];
    for (let doc = 0; doc < 40_000; doc++) {
        const band = rng.int(1023);
        // Reuse an earlier key often (collisions, repeats), vary one part of it sometimes.
        let key: [number, number, number];
        if (keys.length > 0 && rng.int(3) === 0) {
            const [b, hi, lo] = keys[rng.int(keys.length)]!;
            const pick = rng.int(4);
            key = pick === 0 ? [b, hi, lo] : pick === 1 ? [(b + 1) % 1023, hi, lo] : pick === 2 ? [b, (hi + 1) >>> 0, lo] : [b, hi, (lo + 1) & 0x1fffff];
        } else {
            key = [band, rng.int(2 ** 32), rng.int(2 ** 21)];
        }
        keys.push(key);
        const name = key.join(":");
        const got = table.get(key[0], key[1], key[2]);
        assert.equal(got, oracle.get(name) ?? -1, `lookup ${doc}`);
        table.setIfAbsent(key[0], key[1], key[2], doc);
        if (!oracle.has(name)) {
            oracle.set(name, doc);
        }
    }
    assert.equal(table.size, oracle.size);
    for (const [b, hi, lo] of keys) {
        assert.equal(table.get(b, hi, lo), oracle.get(`${b}:${hi}:${lo}`));
    }
    assert.equal(table.get(5, 123, 456), oracle.get("5:123:456") ?? -1);
    assert.ok(table.bytes <= 12 * 4 * oracle.size, `${table.bytes} bytes for ${oracle.size} entries`);
});
