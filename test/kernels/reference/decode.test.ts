/** The reference decode kernels' own checks: half decoding and rounding on known bit patterns, Q8_0 block layout by hand. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bf16ToFloat, floatToHalf, halfToFloat, referenceDecodeKernels } from "../../../src/kernels/reference/decode.js";

test("halfToFloat: normals, extremes, subnormals, signed zero, infinities, NaN", () => {
    const cases: [number, number][] = [
        [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504], [0x0400, 2 ** -14],
        [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x8000, -0], [0x7c00, Infinity], [0xfc00, -Infinity],
    ];
    for (const [bits, value] of cases) {
        assert.ok(Object.is(halfToFloat(bits), value), `0x${bits.toString(16)} -> ${halfToFloat(bits)}, expected ${value}`);
    }
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
});

test("floatToHalf: round to nearest even across normals, subnormals, overflow and NaN", () => {
    const cases: [number, number][] = [
        [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65519, 0x7bff], [65520, 0x7c00], [Infinity, 0x7c00],
        [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002], [5 * 2 ** -25, 0x0002],
        [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [-0, 0x8000], [2 ** -26, 0], [1023 * 2 ** -24, 0x03ff],
    ];
    for (const [value, bits] of cases) {
        assert.equal(floatToHalf(value), bits, `${value} -> 0x${floatToHalf(value).toString(16)}, expected 0x${bits.toString(16)}`);
    }
    assert.equal(floatToHalf(Number.NaN), 0x7e00);
});

test("matmulQ8_0 reference: one row of two blocks decoded by hand", () => {
    const C = 64;
    const weight = new Uint8Array(68);
    // block 0: d = 0.5 (0x3800), q[i] = i - 16; block 1: d = -2 (0xc000), q[i] = 1
    weight[0] = 0x00;
    weight[1] = 0x38;
    for (let i = 0; i < 32; i++) {
        weight[2 + i] = (i - 16) & 0xff;
        weight[36 + i] = 1;
    }
    weight[34] = 0x00;
    weight[35] = 0xc0;
    // Activations all 1: every quant is 127 and the activation scale is half(1 / 127).
    const inp = new Float32Array(C).fill(1);
    const out = new Float32Array(1);
    referenceDecodeKernels.matmulQ8_0(out, inp, weight, 1, C, 1);
    const dx = halfToFloat(floatToHalf(Math.fround(1 / 127)));
    let isum0 = 0;
    for (let i = 0; i < 32; i++) {
        isum0 += 127 * (i - 16);
    }
    assert.equal(out[0], Math.fround(isum0 * 0.5 * dx + 127 * 32 * -2 * dx));
});

test("bf16ToFloat: the top 16 bits of float32", () => {
    assert.equal(bf16ToFloat(0x3f80), 1);
    assert.equal(bf16ToFloat(0xc040), -3);
    assert.equal(bf16ToFloat(0x7f80), Infinity);
    assert.equal(bf16ToFloat(0x0001), 2 ** -133);
});
