import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { FormatError } from "../../../src/errors/MellamaError.js";
import { openMegatronIndexed, writeMegatronIndexed } from "../../../src/formats/shards/index.js";

const oracleDir = fileURLToPath(new URL("../../fixtures/corpus/megatron/", import.meta.url));
const oracle = JSON.parse(readFileSync(join(oracleDir, "oracle.json"), "utf8")) as { sequences: number[][]; documentIndices: number[] };

test("the writer reproduces the numpy oracle's .bin and .idx byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "shards-"));
    try {
        writeMegatronIndexed(join(dir, "x"), oracle.sequences.map((s) => Int32Array.from(s)), 32000);
        assert.deepEqual(readFileSync(join(dir, "x.idx")), readFileSync(join(oracleDir, "oracle.idx")));
        assert.deepEqual(readFileSync(join(dir, "x.bin")), readFileSync(join(oracleDir, "oracle.bin")));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("the reader reads the oracle's sequences with positioned reads", () => {
    const data = openMegatronIndexed(join(oracleDir, "oracle"));
    try {
        assert.equal(data.numSequences, 3);
        assert.equal(data.seqLen, 9);
        for (let i = 2; i >= 0; i--) {
            const out = new Int32Array(data.seqLen).fill(-1);
            data.read(i, out);
            assert.deepEqual(Array.from(out.subarray(0, data.lengths[i])), oracle.sequences[i]);
        }
    } finally {
        data.close();
    }
});

test("int32 tokens round-trip when the vocabulary exceeds uint16", () => {
    const dir = mkdtempSync(join(tmpdir(), "shards-"));
    try {
        const seqs = [Int32Array.from([0, 70000, 128255]), Int32Array.from([5, 6, 7])];
        writeMegatronIndexed(join(dir, "x"), seqs, 128256);
        assert.equal(readFileSync(join(dir, "x.idx"))[17], 4);
        const data = openMegatronIndexed(join(dir, "x"));
        const out = new Int32Array(3);
        data.read(0, out);
        assert.deepEqual(Array.from(out), [0, 70000, 128255]);
        data.close();
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("bad headers and truncated files are FormatErrors naming the file and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "shards-"));
    try {
        const idx = readFileSync(join(oracleDir, "oracle.idx"));
        writeFileSync(join(dir, "x.bin"), readFileSync(join(oracleDir, "oracle.bin")));
        const cases: [Buffer, RegExp][] = [
            [idx.subarray(0, 20), /x\.idx.*header/],
            [Buffer.concat([Buffer.from("NOTMAGIC!"), idx.subarray(9)]), /x\.idx.*magic/],
            [Buffer.from(idx).fill(9, 17, 18), /x\.idx.*dtype/],
            [idx.subarray(0, idx.length - 8), /x\.idx.*sequence count/],
        ];
        for (const [bytes, pattern] of cases) {
            writeFileSync(join(dir, "x.idx"), bytes);
            assert.throws(() => openMegatronIndexed(join(dir, "x")), (e: unknown) => e instanceof FormatError && pattern.test(e.message));
        }
        writeFileSync(join(dir, "x.idx"), idx);
        writeFileSync(join(dir, "x.bin"), readFileSync(join(oracleDir, "oracle.bin")).subarray(0, 30));
        assert.throws(() => openMegatronIndexed(join(dir, "x")), (e: unknown) => e instanceof FormatError && /x\.bin.*sequence 2/.test(e.message));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
