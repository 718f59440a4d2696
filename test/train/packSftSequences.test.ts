/**
 * Layout `pack`: first-fit decreasing into rows of T, conversations never split, each one's tokens and targets
 * those of the unpacked layout at its column, positions restarting at 0, the padding segment at the end.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { packSftSequences } from "../../src/train/packSftSequences.js";
import { buildSftSequences, type EncodedConversation, IGNORE_INDEX } from "../../src/train/sftSequences.js";
import { Rng } from "../../src/util/rng.js";

const PAD = 0;

/** A conversation of n ids (values base, base+1, ...) whose last `learned` ids carry loss. */
function conversation(n: number, base: number, learned = 2): EncodedConversation {
    return { ids: Array.from({ length: n }, (_, i) => base + i), learn: Array.from({ length: n }, (_, i) => i >= n - learned) };
}

/** The (row, column, length) of each packed conversation, read back off the positions. */
function segments(positions: Int32Array, tokens: Int32Array, rows: number, T: number): { row: number; col: number; n: number; first: number }[] {
    const out: { row: number; col: number; n: number; first: number }[] = [];
    for (let r = 0; r < rows; r++) {
        for (let t = 0; t < T; t++) {
            if (positions[r * T + t] === 0) {
                out.push({ row: r, col: t, n: 1, first: tokens[r * T + t]! });
            } else {
                out[out.length - 1]!.n++;
            }
        }
    }
    return out;
}

test("first-fit decreasing: rows, columns, positions and the efficiency on a worked example", () => {
    const T = 10;
    // input lengths 3, 7, 5, 2, 4, 6 (ids one more each); ids start at 100·(k+1) to tell them apart
    const encoded = [3, 7, 5, 2, 4, 6].map((n, k) => conversation(n + 1, 100 * (k + 1)));
    const s = packSftSequences(encoded, T, PAD);
    // 7 -> row 0, 6 -> row 1, 5 -> row 2, 4 -> row 1 (fills it), 3 -> row 0 (fills it), 2 -> row 2
    assert.equal(s.rows, 3);
    assert.equal(s.efficiency, 27 / 30);
    assert.deepEqual(segments(s.positions!, s.tokens, s.rows, T).map(({ row, col, n, first }) => [row, col, n, first]), [
        [0, 0, 7, 200], [0, 7, 3, 100],
        [1, 0, 6, 600], [1, 6, 4, 500],
        [2, 0, 5, 300], [2, 5, 2, 400], [2, 7, 3, PAD],
    ]);
    assert.deepEqual([...s.positions!.subarray(20, 30)], [0, 1, 2, 3, 4, 0, 1, 0, 1, 2]);
    assert.equal(s.lossTokens, 12);
    assert.deepEqual(packSftSequences(encoded, T, PAD), s, "the same conversations give the same rows");
});

test("each packed conversation carries exactly its unpacked tokens and targets; padding has no loss", () => {
    const T = 12;
    const rng = new Rng(3);
    const encoded = Array.from({ length: 9 }, () => {
        const n = 2 + rng.int(T);
        return { ids: Array.from({ length: n }, () => 3 + rng.int(50)), learn: Array.from({ length: n }, (_, i) => i > 0 && rng.next() < 0.6) };
    });
    encoded[0]!.learn[encoded[0]!.learn.length - 1] = true;
    const packed = packSftSequences(encoded.filter((e) => e.learn.slice(1).includes(true)), T, PAD);
    const alone = buildSftSequences(encoded, T, PAD);
    const found = segments(packed.positions!, packed.tokens, packed.rows, T);
    let lossTokens = 0;
    for (let k = 0; k < encoded.length; k++) {
        const n = encoded[k]!.ids.length - 1;
        if (!encoded[k]!.learn.slice(1).includes(true)) {
            continue;
        }
        const at = found.find((f) => f.n === n && f.first === encoded[k]!.ids[0]
            && packed.tokens.subarray(f.row * T + f.col, f.row * T + f.col + n).every((id, i) => id === encoded[k]!.ids[i]));
        assert.ok(at !== undefined, `conversation ${k} is in one piece`);
        const o = at.row * T + at.col;
        assert.deepEqual([...packed.targets.subarray(o, o + n)], [...alone.targets.subarray(k * T, k * T + n)], `targets of conversation ${k}`);
        lossTokens += alone.targets.subarray(k * T, (k + 1) * T).filter((t) => t !== IGNORE_INDEX).length;
    }
    assert.equal(packed.lossTokens, lossTokens);
    for (const f of found.filter((x) => x.first === PAD && x.col + x.n === T && packed.positions![x.row * T + x.col] === 0)) {
        assert.ok(packed.targets.subarray(f.row * T + f.col, (f.row + 1) * T).every((t) => t === IGNORE_INDEX), "padding carries no loss");
    }
});

test("a conversation longer than the row is truncated as in the pad layout and fills a row alone; one with no loss left is dropped", () => {
    const T = 8;
    const long = conversation(20, 100, 3);
    const short = conversation(4, 200);
    const noLoss: EncodedConversation = { ids: [1, 2, 3], learn: [false, false, false] };
    const s = packSftSequences([short, long, noLoss], T, PAD);
    const pad = buildSftSequences([long], T, PAD);
    assert.equal(s.rows, 2);
    assert.deepEqual([...s.tokens.subarray(0, T)], [...pad.tokens.subarray(0, T)]);
    assert.deepEqual([...s.targets.subarray(0, T)], [...pad.targets.subarray(0, T)]);
    assert.deepEqual([...s.positions!.subarray(0, T)], [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual([...s.positions!.subarray(T, 2 * T)], [0, 1, 2, 0, 1, 2, 3, 4]);
    assert.equal(s.efficiency, 11 / 16);
    assert.equal(buildSftSequences([short, long], T, PAD).efficiency, 11 / 16, "pad reports the same measure");
});

test("the max-tree first fit assigns exactly as a plain first-fit scan, on 3000 random conversations", () => {
    const T = 256;
    const rng = new Rng(11);
    const lengths = Array.from({ length: 3000 }, () => 2 + Math.floor(rng.next() ** 3 * 300));
    const encoded = lengths.map((n, k) => ({ ids: Array.from({ length: n }, (_, i) => (k * 7 + i) % 1000 + 3),
        learn: Array.from({ length: n }, (_, i) => i === n - 1) }));
    const s = packSftSequences(encoded, T, PAD);
    // the plain scan: sizes longest first (stable), each into the first row with room
    const sizes = encoded.map((e) => Math.min(e.ids.length, T + 1) - 1);
    const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]!);
    const free: number[] = [];
    for (const i of order) {
        const row = free.findIndex((f) => f >= sizes[i]!);
        if (row < 0) {
            free.push(T - sizes[i]!);
        } else {
            free[row]! -= sizes[i]!;
        }
    }
    assert.equal(s.rows, free.length);
    const fillOf = (r: number): number => T - free[r]!;
    const seen = segments(s.positions!, s.tokens, s.rows, T);
    for (let r = 0; r < s.rows; r++) {
        const used = seen.filter((x) => x.row === r && x.first !== PAD).reduce((a, x) => a + x.n, 0);
        assert.equal(used, fillOf(r), `row ${r} holds what the scan put there`);
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.equal(s.efficiency, total / (s.rows * T));
    assert.ok(s.efficiency > 0.95, `first-fit decreasing packs tightly here: ${s.efficiency}`);
});
