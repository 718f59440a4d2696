/**
 * Every ggml block type against reference/py/ggml_quants.py (test/fixtures/formats/quant_cases.json, made by
 * reference/py/make_quant_fixtures.py): quantizing equals the numpy reference byte for byte, and decoding (its
 * output, and blocks of random bytes covering every quant pattern) equals it bit for bit.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { GgmlType } from "../../../src/formats/gguf/ggufTypes.js";
import { dequantizeGgml, ggmlRowBytes, QUANT_TYPES, quantizeGgml } from "../../../src/formats/quant/ggmlQuant.js";

interface Case { input: string; quantized: string; dequantized: string; randomBytes: string; randomDequantized: string }
const cases = (JSON.parse(readFileSync(new URL("../../fixtures/formats/quant_cases.json", import.meta.url), "utf8")) as { cases: Record<string, Case> }).cases;

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
const floats = (hex: string): Float32Array => new Float32Array(bytes(hex).buffer);

function firstByteDiff(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] !== b[i]) {
            return i;
        }
    }
    return -1;
}

function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
    assert.equal(got.length, want.length, what);
    const d = firstByteDiff(new Uint8Array(got.buffer, got.byteOffset, got.byteLength), new Uint8Array(want.buffer));
    assert.equal(d, -1, `${what}: value ${d >> 2} is ${got[d >> 2]}, numpy ${want[d >> 2]}`);
}

for (const type of QUANT_TYPES) {
    const name = GgmlType[type];
    test(`${name}: quantize equals the numpy reference byte for byte`, () => {
        const c = cases[name]!;
        const x = floats(c.input);
        const q = quantizeGgml(type, x);
        const want = bytes(c.quantized);
        assert.equal(q.length, ggmlRowBytes(type, x.length));
        const d = firstByteDiff(q, want);
        assert.equal(d, -1, `first differing byte ${d}: ${q[d]} vs numpy ${want[d]}`);
    });
    test(`${name}: dequantize equals the numpy reference bit for bit (own output and random bytes)`, () => {
        const c = cases[name]!;
        const n = floats(c.input).length;
        assertSameBits(dequantizeGgml(type, bytes(c.quantized), n), floats(c.dequantized), "dequantized");
        const want = floats(c.randomDequantized);
        assertSameBits(dequantizeGgml(type, bytes(c.randomBytes), want.length), want, "random blocks");
    });
}
