/**
 * The native quantizer (src/kernels/native/quantizeBlocks.cpp) against the TypeScript reference it repeats
 * (quantizeGgmlReference, itself checked byte for byte against numpy in ggmlQuant.test.ts): the same bytes for
 * every type it covers, on random weights of several magnitudes and on the inputs where float rules differ
 * (zeros, signed zeros, constant and one-sided blocks, subnormals, huge values, exact rounding ties), and for any
 * thread count. A tensor holding NaN or Inf is left to the reference (JavaScript does not pin down a NaN's bits).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GgmlType } from "../../../src/formats/gguf/ggufTypes.js";
import { ggmlRowBytes, quantizeGgml, quantizeGgmlReference, type StorageType } from "../../../src/formats/quant/ggmlQuant.js";
import { loadNativeAddon, quantizeBlocksNative } from "../../../src/kernels/native/nativeKernels.js";

const NATIVE_TYPES = [GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K] as const;
const skip = loadNativeAddon() === null ? "native addon not built" : false;

/** xorshift32, so a failure names a reproducible case. */
function rng(seed: number): () => number {
    let s = seed >>> 0 || 1;
    return () => {
        s ^= s << 13;
        s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5;
        s >>>= 0;
        return s / 4294967296;
    };
}

/** 256-value blocks, each of one kind, so every type (block 32 or 256) sees each kind whole. */
function hardInput(seed: number): Float32Array {
    const r = rng(seed);
    const kinds: ((i: number) => number)[] = [
        () => (r() * 2 - 1) * 0.02, // LLaMA-like weights
        () => (r() * 2 - 1) * 10 ** (r() * 8 - 4), // magnitudes across 8 decades
        () => 0,
        (i) => (i % 2 === 0 ? -0 : 0),
        () => 0.375, // a constant block
        () => -r(), // one-sided
        () => r(),
        () => (r() - 0.5) * 1e-40, // subnormals
        () => (r() - 0.5) * 1e30,
        () => Math.round((r() - 0.5) * 64) / 8, // values on exact rounding ties of small scales
        (i) => (i % 32 === 0 ? 1 : 0), // one spike per sub-block
        (i) => (i < 128 ? 0 : (r() - 0.5) * 0.1),
    ];
    const out = new Float32Array(256 * kinds.length * 2);
    for (let b = 0; b < out.length / 256; b++) {
        const kind = kinds[b % kinds.length]!;
        for (let i = 0; i < 256; i++) {
            out[256 * b + i] = kind(i);
        }
    }
    return out;
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < a.length; i++) {
        if (a[i] !== b[i]) {
            return i;
        }
    }
    return -1;
}

function native(type: StorageType, x: Float32Array, threads: number): Uint8Array {
    const out = new Uint8Array(ggmlRowBytes(type, x.length));
    assert.equal(quantizeBlocksNative(type, x, out, threads), true, `${GgmlType[type]} is quantized natively`);
    return out;
}

for (const type of NATIVE_TYPES) {
    const name = GgmlType[type];
    test(`${name}: the native quantizer writes the reference's bytes (random and edge inputs, 1-3 threads)`, { skip }, () => {
        for (const seed of [1, 2, 3]) {
            const x = hardInput(seed);
            const want = quantizeGgmlReference(type, x);
            for (const threads of [1, 3]) {
                const got = native(type, x, threads);
                const d = firstDiff(got, want);
                const [block, bytes] = [type === GgmlType.Q8_0 ? 32 : 256, want.length / (x.length / (type === GgmlType.Q8_0 ? 32 : 256))];
                assert.equal(d, -1, `seed ${seed}, ${threads} threads: byte ${d} (block ${Math.floor(d / bytes)} of ${block} values) is ${got[d]}, reference ${want[d]}`);
            }
        }
    });
}

test("a large tensor is split across threads without changing a byte", { skip }, () => {
    const r = rng(9);
    const x = Float32Array.from({ length: 256 * 2048 }, () => (r() - 0.5) * 0.05);
    const one = native(GgmlType.Q4_K, x, 1);
    for (const threads of [2, 5]) {
        assert.equal(firstDiff(native(GgmlType.Q4_K, x, threads), one), -1, `${threads} threads`);
    }
});

test("types without a native quantizer and non-finite tensors are declined, wrong lengths refused", { skip }, () => {
    const x = new Float32Array(256);
    assert.equal(quantizeBlocksNative(GgmlType.Q4_0, x, new Uint8Array(ggmlRowBytes(GgmlType.Q4_0, 256))), false);
    for (const bad of [NaN, Infinity, -Infinity]) {
        const y = hardInput(4).subarray(0, 512);
        y[300] = bad;
        const out = new Uint8Array(ggmlRowBytes(GgmlType.Q4_K, 512));
        assert.equal(quantizeBlocksNative(GgmlType.Q4_K, y, out), false, String(bad));
        assert.equal(firstDiff(quantizeGgml(GgmlType.Q4_K, y), quantizeGgmlReference(GgmlType.Q4_K, y)), -1, `${bad}: quantizeGgml falls back`);
    }
    assert.throws(() => quantizeBlocksNative(GgmlType.Q4_K, new Float32Array(100), new Uint8Array(144)), /whole blocks/);
    assert.throws(() => quantizeBlocksNative(GgmlType.Q4_K, x, new Uint8Array(143)), /whole blocks/);
});
