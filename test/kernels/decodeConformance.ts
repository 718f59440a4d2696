/**
 * Conformance of DecodeKernels implementations against referenceDecodeKernels (plain TS, float64 sums):
 * F16, BF16, Q8_0 and the quantized types' matmuls at N = 1 (the batch-1 decode path), 1 < N <= 16 (multi-sequence
 * decode) and N > 16 (prompt processing: for the quantized types, several unpacked chunks of weight units, a partial
 * tile of rows and a partial panel of channels), odd C and OC for F16, subnormal and negative halves, full-range
 * int8; Q8_0's activation quantizer on exact ties and its distance from the unquantized product; cached attention with GQA, pos0 > 0,
 * T > 1 and a cache longer than one key block. Tolerance: relative max-abs 1e-5 (float32 sums against float64
 * ones; Q8_0 runs the same quantized algorithm on both sides, so only the sums' rounding differs).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DecodeKernels, QuantKernelType } from "../../src/kernels/DecodeKernels.js";
import { Q8_0_BLOCK, Q8_0_BLOCK_BYTES, QUANT_KERNEL_TYPES } from "../../src/kernels/DecodeKernels.js";
import { GGML_BLOCK, GgmlType } from "../../src/formats/gguf/ggufTypes.js";
import { dequantizeGgml, quantizeGgml } from "../../src/formats/quant/ggmlQuant.js";
import { halfToFloat, referenceDecodeKernels } from "../../src/kernels/reference/decode.js";
import { checkClose, makeRng, randomArray } from "./checkClose.js";

const TOL = 1e-5;

/** Random half bits: magnitudes about 2^-6 .. 2^2, both signs, with every 17th a subnormal. */
export function randomHalfBits(rng: () => number, n: number): Uint16Array {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
        const sign = rng() < 0.5 ? 0x8000 : 0;
        const exp = i % 17 === 5 ? 0 : 9 + Math.floor(rng() * 8);
        out[i] = sign | (exp << 10) | Math.floor(rng() * 1024);
    }
    return out;
}

/** Random Q8_0 rows: scales like real ones (about 2^-8 .. 2^-4), quants over the whole int8 range. */
export function randomQ8_0(rng: () => number, OC: number, C: number): Uint8Array {
    const blocks = OC * (C / Q8_0_BLOCK);
    const out = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
    for (let b = 0; b < blocks; b++) {
        const at = b * Q8_0_BLOCK_BYTES;
        const d = ((3 + Math.floor(rng() * 5)) << 10) | Math.floor(rng() * 1024);
        out[at] = d & 0xff;
        out[at + 1] = d >> 8;
        for (let i = 0; i < Q8_0_BLOCK; i++) {
            out[at + 2 + i] = Math.floor(rng() * 256);
        }
    }
    return out;
}

/** Q8_0 rows (OC, C) to float64 weights (weight = d * q). */
export function dequantizeQ8_0(weight: Uint8Array, OC: number, C: number): Float64Array {
    const out = new Float64Array(OC * C);
    const signed = new Int8Array(weight.buffer, weight.byteOffset, weight.length);
    for (let i = 0; i < (OC * C) / Q8_0_BLOCK; i++) {
        const at = i * Q8_0_BLOCK_BYTES;
        const d = halfToFloat(new DataView(weight.buffer, weight.byteOffset + at, 2).getUint16(0, true));
        signed.subarray(at + 2, at + 2 + Q8_0_BLOCK).forEach((q, j) => {
            out[i * Q8_0_BLOCK + j] = d * q;
        });
    }
    return out;
}

/** Byte offsets of each quantized type's f16 scale fields within a block. */
const HALF_FIELDS: Record<QuantKernelType, number[]> = {
    2: [0], 3: [0, 2], 6: [0], 7: [0, 2], 10: [80, 82], 11: [108], 12: [0, 2], 13: [0, 2], 14: [208],
};

/**
 * Random rows of a quantized type: every quant bit pattern (random bytes, int8 scales over their whole range),
 * the f16 scales replaced by real-sized ones (about 2^-8 .. 2^-4, both signs for the legacy mins).
 */
export function randomQuantRows(rng: () => number, type: QuantKernelType, OC: number, C: number): Uint8Array {
    const [block, bytes] = GGML_BLOCK[type];
    const blocks = OC * (C / block);
    const out = Uint8Array.from({ length: blocks * bytes }, () => Math.floor(rng() * 256));
    for (let b = 0; b < blocks; b++) {
        for (const at of HALF_FIELDS[type]) {
            const h = (rng() < 0.3 ? 0x8000 : 0) | ((7 + Math.floor(rng() * 5)) << 10) | Math.floor(rng() * 1024);
            out[b * bytes + at] = h & 0xff;
            out[b * bytes + at + 1] = h >> 8;
        }
    }
    return out;
}

export interface DecodeConformanceOptions {
    newDecodeKernels: () => DecodeKernels & { dispose?: () => void };
    label?: string;
}

export function runDecodeConformance({ newDecodeKernels, label }: DecodeConformanceOptions): void {
    const ref = referenceDecodeKernels;
    describe(`decode kernel conformance: ${label ?? "kernel set"}`, () => {
        test("matmulF16: N = 1 and N > 1, odd shapes; the GEMM path (N > 16) over several K blocks and C = 1", () => {
            const ks = newDecodeKernels();
            const rng = makeRng(31);
            for (const [N, C, OC] of [[1, 37, 19], [1, 288, 768], [5, 37, 19], [13, 70, 33], [21, 37, 19], [1, 1, 1], [33, 803, 70], [20, 1, 5]] as const) {
                const inp = randomArray(rng, N * C);
                const weight = randomHalfBits(rng, OC * C);
                const expected = new Float32Array(N * OC);
                const actual = randomArray(rng, N * OC);
                ref.matmulF16(expected, inp, weight, N, C, OC);
                ks.matmulF16(actual, inp, weight, N, C, OC);
                checkClose(actual, expected, `matmulF16 N=${N} C=${C} OC=${OC}`, TOL);
            }
            ks.dispose?.();
        });

        test("matmulBF16: N = 1 and N > 1, odd shapes; the GEMM path (N > 16) over several K blocks and C = 1", () => {
            const ks = newDecodeKernels();
            const rng = makeRng(34);
            for (const [N, C, OC] of [[1, 37, 19], [1, 288, 768], [5, 37, 19], [13, 70, 33], [21, 37, 19], [33, 803, 70], [20, 1, 5]] as const) {
                const inp = randomArray(rng, N * C);
                // bfloat16 = top half of a float32: random floats truncated
                const weight = Uint16Array.from(new Uint32Array(randomArray(rng, OC * C, 3).buffer), (bits) => bits >>> 16);
                const expected = new Float32Array(N * OC);
                const actual = randomArray(rng, N * OC);
                ref.matmulBF16(expected, inp, weight, N, C, OC);
                ks.matmulBF16(actual, inp, weight, N, C, OC);
                checkClose(actual, expected, `matmulBF16 N=${N} C=${C} OC=${OC}`, TOL);
            }
            ks.dispose?.();
        });

        test("matmulQ8_0: N = 1, decode batches and prompt tiles; full and partial 16-channel panels; several 16-block chunks", () => {
            const ks = newDecodeKernels();
            const rng = makeRng(32);
            for (const [N, C, OC] of [[1, 32, 19], [1, 288, 768], [7, 96, 33], [2, 768, 5], [19, 96, 33], [3, 1056, 40], [41, 544, 48], [1, 0, 3]] as const) {
                const inp = randomArray(rng, N * C);
                const weight = randomQ8_0(rng, OC, C);
                const expected = new Float32Array(N * OC);
                const actual = randomArray(rng, N * OC);
                ref.matmulQ8_0(expected, inp, weight, N, C, OC);
                ks.matmulQ8_0(actual, inp, weight, N, C, OC);
                checkClose(actual, expected, `matmulQ8_0 N=${N} C=${C} OC=${OC}`, TOL);
            }
            ks.dispose?.();
        });

        test("matmulQ8_0: activations are quantized as ggml does (ties to even, scale rounded to half)", () => {
            // One block whose amax is 127, so id = 1 and x * id is x: quants are x rounded half to even. Weight row o
            // has a single quant 1 at position o with scale 1, so out[o] = q[o] * half(127 / 127) = q[o].
            const ks = newDecodeKernels();
            const pattern = [127, 2.5, -3.5, 0.5, -0.5, 1.5, -126.5, 3.49];
            const x = Float32Array.from({ length: 32 }, (_, i) => pattern[i % 8] ?? 0);
            const weight = new Uint8Array(32 * Q8_0_BLOCK_BYTES);
            for (let o = 0; o < 32; o++) {
                weight[o * Q8_0_BLOCK_BYTES + 1] = 0x3c; // half 1.0, little endian
                weight[o * Q8_0_BLOCK_BYTES + 2 + o] = 1;
            }
            const rounded = [127, 2, -4, 0, 0, 2, -126, 3];
            const expected = Float32Array.from({ length: 32 }, (_, i) => rounded[i % 8] ?? 0);
            for (const kernels of [ks, ref]) {
                const out = new Float32Array(32);
                kernels.matmulQ8_0(out, x, weight, 1, 32, 32);
                assert.deepEqual(Array.from(out, (v) => v + 0), Array.from(expected, (v) => v + 0));
            }
            ks.dispose?.();
        });

        test("matmulQ8_0: within 1% of the product with unquantized activations", () => {
            // The quantization of the activations is the only approximation: against the exact product with the
            // dequantized weights (float64), the error stays near 127^-1 of a block's magnitude, averaged down.
            const ks = newDecodeKernels();
            const rng = makeRng(35);
            const [N, C, OC] = [3, 512, 20];
            const inp = randomArray(rng, N * C);
            const weight = randomQ8_0(rng, OC, C);
            const actual = new Float32Array(N * OC);
            ks.matmulQ8_0(actual, inp, weight, N, C, OC);
            const exact = new Float32Array(N * OC);
            const w = dequantizeQ8_0(weight, OC, C);
            for (let n = 0; n < N; n++) {
                for (let o = 0; o < OC; o++) {
                    const x = inp.subarray(n * C, (n + 1) * C);
                    exact[n * OC + o] = w.subarray(o * C, (o + 1) * C).reduce((s, wc, c) => s + wc * (x[c] ?? 0), 0);
                }
            }
            checkClose(actual, exact, "matmulQ8_0 vs unquantized activations", 1e-2);
            ks.dispose?.();
        });

        for (const type of QUANT_KERNEL_TYPES) {
            const name = GgmlType[type];
            test(`matmulQuant ${name}: N = 1, decode batches and prompt rows; several blocks; odd OC`, () => {
                const ks = newDecodeKernels();
                const rng = makeRng(40 + type);
                const [block] = GGML_BLOCK[type];
                const shapes = block === 256
                    ? [[1, 256, 19], [1, 1024, 40], [5, 512, 17], [19, 256, 9], [41, 768, 8], [37, 2304, 35], [1, 0, 3]]
                    : [[1, 32, 19], [1, 1024, 40], [5, 96, 17], [19, 256, 9], [41, 544, 8], [37, 608, 35], [1, 0, 3]];
                for (const [N, C, OC] of shapes as [number, number, number][]) {
                    const inp = randomArray(rng, N * C);
                    if (N > 1) {
                        inp.fill(0, 0, Math.min(C, 256)); // a zero block: dx = 0
                    }
                    const weight = randomQuantRows(rng, type, OC, C);
                    const expected = new Float32Array(N * OC);
                    const actual = randomArray(rng, N * OC);
                    ref.matmulQuant(expected, inp, weight, type, N, C, OC);
                    ks.matmulQuant(actual, inp, weight, type, N, C, OC);
                    checkClose(actual, expected, `matmulQuant ${name} N=${N} C=${C} OC=${OC}`, TOL);
                }
                ks.dispose?.();
            });

            test(`matmulQuant ${name}: within 2% of the product with unquantized activations (real quantized weights)`, () => {
                const ks = newDecodeKernels();
                const rng = makeRng(60 + type);
                const [N, C, OC] = [3, 512, 12];
                const inp = randomArray(rng, N * C);
                const weight = quantizeGgml(type, randomArray(rng, OC * C));
                const actual = new Float32Array(N * OC);
                ks.matmulQuant(actual, inp, weight, type, N, C, OC);
                const w = dequantizeGgml(type, weight, OC * C);
                const exact = new Float32Array(N * OC);
                for (let n = 0; n < N; n++) {
                    for (let o = 0; o < OC; o++) {
                        let s = 0;
                        for (let c = 0; c < C; c++) {
                            s += w[o * C + c]! * inp[n * C + c]!;
                        }
                        exact[n * OC + o] = s;
                    }
                }
                checkClose(actual, exact, `matmulQuant ${name} vs unquantized activations`, 2e-2);
                ks.dispose?.();
            });
        }

        test("attentionForwardCached: GQA, pos0 > 0, T > 1, cache beyond one key block, prompt chunks of several query blocks", () => {
            const ks = newDecodeKernels();
            const rng = makeRng(33);
            const cases = [[1, 0, 2, 1, 6], [1, 100, 6, 6, 48], [5, 7, 4, 2, 13], [3, 70, 3, 1, 8], [70, 3, 4, 2, 16], [130, 0, 2, 2, 48]] as const;
            for (const [T, pos0, NH, NKV, HS] of cases) {
                const maxT = pos0 + T + 3;
                const q = randomArray(rng, T * NH * HS, 2);
                const kCache = randomArray(rng, maxT * NKV * HS, 2);
                const vCache = randomArray(rng, maxT * NKV * HS);
                const expected = new Float32Array(T * NH * HS);
                const actual = randomArray(rng, T * NH * HS);
                ref.attentionForwardCached(expected, q, kCache, vCache, T, pos0, NH, NKV, HS);
                ks.attentionForwardCached(actual, q, kCache, vCache, T, pos0, NH, NKV, HS);
                checkClose(actual, expected, `attentionForwardCached T=${T} pos0=${pos0} NH=${NH} NKV=${NKV} HS=${HS}`, TOL);
            }
            ks.dispose?.();
        });
    });
}
