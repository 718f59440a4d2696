/**
 * MinHash signatures: the in-place shingle hashing with the WebAssembly SIMD minima, and with the JavaScript
 * minima, both equal the plain definition (oracles/minhashPlain.ts) on real notes and articles, edge cases (no
 * words, fewer words than a shingle, non-ASCII letters that lowercase to ASCII, a document long enough to grow
 * the WebAssembly memory) and a hash-function count that is not a multiple of 4. The index answers the same with its
 * signatures in a file as in memory.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_DEDUP, type DedupOptions, MinHashLsh } from "../../src/corpus/dedup.js";
import { readMtsamples } from "../../src/eval/loaders/readMtsamples.js";
import { dataDir } from "../../src/util/dataDir.js";
import { Rng } from "../../src/util/rng.js";
import { plainSignature } from "./oracles/minhashPlain.js";

function texts(): string[] {
    const rng = new Rng(4);
    const words = ["Patient", "denies", "fever", "İstanbul", "Kelvin", "x_1", "3.5mg", "naïve", "😀", "—", "a", "b"];
    const out = ["", "   ", "one", "one two three four", "one two three four five", "ÀÉÎ ÕÜ", "a\u212Ab c d e f",
        Array.from({ length: 300_000 }, () => words[rng.int(words.length)]).join(" ")];
    for (let i = 0; i < 200; i++) {
        out.push(Array.from({ length: 1 + rng.int(80) }, () => words[rng.int(words.length)]).join(rng.int(2) === 0 ? " " : ", "));
    }
    const data = dataDir();
    if (existsSync(join(data, "mtsamples", "mtsamples.csv"))) {
        out.push(...readMtsamples(join(data, "mtsamples", "mtsamples.csv"), () => undefined).map((r) => r.transcription).slice(0, 300));
        out.push(...readFileSync(join(data, "wikitext2", "test.txt"), "utf8").split(/\n \n = /).slice(0, 50));
    }
    return out;
}

test("MinHash signatures (SIMD and JavaScript minima) equal the plain definition", () => {
    const all = texts();
    for (const o of [DEFAULT_DEDUP, { ...DEFAULT_DEDUP, bands: 7, rows: 5, shingle: 3, seed: 99 } satisfies DedupOptions]) {
        const simd = new MinHashLsh(o);
        const scalar = new MinHashLsh(o, { simd: false });
        all.forEach((text, i) => {
            const want = plainSignature(text, o);
            assert.deepEqual(simd.signature(text), want, `simd, text ${i}`);
            assert.deepEqual(scalar.signature(text), want, `scalar, text ${i}`);
        });
    }
});

test("the LSH index answers the same with its signatures in a file as in memory", () => {
    const all = texts().filter((t) => t.length < 100_000);
    // Each text again with a word changed: near-duplicates of documents indexed long before (flushed to the file).
    const edited = all.map((t) => t.replace(/\b\w+\b/, "changed"));
    const dir = mkdtempSync(join(tmpdir(), "mellama-lsh-"));
    try {
        const memory = new MinHashLsh();
        const file = new MinHashLsh(DEFAULT_DEDUP, { signatureFile: join(dir, "signatures.u32") });
        let matched = 0;
        for (const [i, text] of [...all, ...edited].entries()) {
            const want = memory.addOrMatch(text);
            assert.equal(file.addOrMatch(text), want, `text ${i}`);
            matched += want >= 0 ? 1 : 0;
        }
        assert.equal(file.size, memory.size);
        assert.ok(matched >= edited.length / 2, `only ${matched} near-duplicates matched`);
        file.dispose();
        assert.ok(!existsSync(join(dir, "signatures.u32")));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
