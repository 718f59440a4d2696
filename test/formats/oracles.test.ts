/**
 * mellama's conversions against the Python oracles in test/fixtures/formats (reference/py/make_format_fixtures.py):
 * f16/bf16 bit-exact against PyTorch, Q8_0 byte-exact against gguf-py's formula, the q/k permutation against
 * convert_hf_to_gguf.py's, and a safetensors file written per the spec by Python read (and rewritten byte for byte).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { permuteQkToGguf, unpermuteQkFromGguf } from "../../src/formats/gguf/permuteQk.js";
import { bf16BitsToF32, f16BitsToF32, f32ArrayToBf16, f32ArrayToF16, f32ToBf16Bits, f32ToF16Bits } from "../../src/formats/quant/halfFloat.js";
import { dequantizeQ8_0, quantizeQ8_0 } from "../../src/formats/quant/q8_0.js";
import { SafetensorsFile } from "../../src/formats/safetensors/SafetensorsFile.js";
import { writeSafetensors } from "../../src/formats/safetensors/writeSafetensors.js";

const fixtures = new URL("../fixtures/formats/", import.meta.url);
const json = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, fixtures), "utf8")) as T;
const dir = mkdtempSync(join(tmpdir(), "mellama-oracle-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("f32 -> f16 and bf16 bits equal PyTorch's .half() / .bfloat16() (incl. NaN, Inf, subnormals, ties)", () => {
    const c = json<{ f32Bits: number[]; f16Bits: number[]; bf16Bits: number[] }>("half_cases.json");
    const x = new Float32Array(new Uint32Array(c.f32Bits).buffer);
    const isNan16 = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    const f16 = f32ArrayToF16(x);
    const bf16 = f32ArrayToBf16(x);
    let checked = 0;
    for (let i = 0; i < x.length; i++) {
        const want16 = c.f16Bits[i]!;
        // NaN payloads differ between conversion paths; any NaN is a NaN.
        if (isNan16(want16)) {
            assert.ok(isNan16(f16[i]!), `f16 of NaN bits ${c.f32Bits[i]}`);
        } else {
            assert.equal(f16[i], want16, `f16 of bits 0x${c.f32Bits[i]!.toString(16)}`);
            assert.equal(f32ToF16Bits(x[i]!), want16);
        }
        const wantB = c.bf16Bits[i]!;
        if ((wantB & 0x7f80) === 0x7f80 && (wantB & 0x7f) !== 0) {
            assert.ok(Number.isNaN(bf16BitsToF32(bf16[i]!)));
        } else {
            assert.equal(bf16[i], wantB, `bf16 of bits 0x${c.f32Bits[i]!.toString(16)}`);
            assert.equal(f32ToBf16Bits(x[i]!), wantB);
        }
        checked++;
    }
    assert.ok(checked > 1500);
    // Back to f32 exactly: f16/bf16 values are representable in f32.
    for (const h of [0x0001, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0xfc00, 0x8000]) {
        assert.equal(f32ToF16Bits(f16BitsToF32(h)), h);
    }
});

test("Q8_0 bytes and dequantized values equal gguf-py's formula", () => {
    const c = json<{ values: number[]; bytesHex: string; dequantized: number[] }>("q8_0_cases.json");
    const q = quantizeQ8_0(Float32Array.from(c.values));
    assert.equal(Buffer.from(q).toString("hex"), c.bytesHex);
    assert.deepEqual([...dequantizeQ8_0(q, c.values.length)], c.dequantized);
    // Reference formula on one block, worked by hand: amax 127 -> d = 1, q = roundf(x) (half away from zero).
    const block = new Float32Array(32);
    block.set([127, 0.5, -0.5, 1.5, -2.5]);
    const qs = new Int8Array(quantizeQ8_0(block).buffer, 2, 5);
    assert.deepEqual([...qs], [127, 1, -1, 2, -3]);
});

test("q/k permutation equals convert_hf_to_gguf.py's permute (q: n_head, k: n_head_kv) and inverts", () => {
    const c = json<Record<"q" | "k", { rows: number; cols: number; nHead: number; nHeadKv?: number; hf: number[]; gguf: number[] }>>("permute_cases.json");
    for (const t of [c.q, c.k]) {
        const heads = t.nHeadKv ?? t.nHead;
        const g = permuteQkToGguf(Float32Array.from(t.hf), t.rows, t.cols, heads);
        assert.deepEqual([...g], t.gguf);
        assert.deepEqual([...unpermuteQkFromGguf(g, t.rows, t.cols, heads)], t.hf);
    }
    // By hand: one head of 4 rows [r0 r1 r2 r3] (halves [r0 r1 | r2 r3]) interleaves to [r0 r2 r1 r3].
    assert.deepEqual([...permuteQkToGguf(Float32Array.from([0, 1, 2, 3]), 4, 1, 1)], [0, 2, 1, 3]);
});

test("a safetensors file written by Python per the spec reads back, and mellama rewrites it byte for byte", () => {
    const want = json<Record<string, number[]>>("python_written.json");
    const path = new URL("python_written.safetensors", fixtures).pathname;
    using f = SafetensorsFile.open(path);
    assert.deepEqual(f.metadata, { format: "pt", source: "make_format_fixtures.py" });
    assert.deepEqual([...f.readF32("w")], want.w!.map(Math.fround));
    assert.deepEqual([...f.readF32("w16")], want.w16);
    assert.deepEqual([...f.readF32("wbf")], want.wbf);
    assert.deepEqual([...new BigInt64Array(f.readBytes("ids").slice().buffer)], [1n, -2n, 2n ** 40n]);
    const out = join(dir, "rewritten.safetensors");
    writeSafetensors(out, {
        metadata: { ...f.metadata },
        tensors: f.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: () => f.readBytes(t.name) })),
    });
    assert.deepEqual(readFileSync(out), readFileSync(path));
});
