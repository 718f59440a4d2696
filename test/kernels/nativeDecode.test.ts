/**
 * The native decode kernels (F16 / BF16 / Q8_0 matmuls, cached attention) against referenceDecodeKernels on every
 * SIMD path this CPU runs, the batch invariance of their rows, plus their argument checks. Skips with the loader's reason when the addon is not built.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KernelArgumentError } from "../../src/kernels/native/KernelArgumentError.js";
import { createNativeKernels, loadNativeAddon, nativeLoadError, nativeSimdVariants } from "../../src/kernels/native/nativeKernels.js";
import { makeRng, randomArray } from "./checkClose.js";
import { QUANT_KERNEL_TYPES } from "../../src/kernels/DecodeKernels.js";
import { GGML_BLOCK } from "../../src/formats/gguf/ggufTypes.js";
import { randomHalfBits, randomQ8_0, randomQuantRows, runDecodeConformance } from "./decodeConformance.js";

if (loadNativeAddon() === null) {
    test("native decode kernels", { skip: `native addon not built: ${nativeLoadError()?.message ?? "unknown"}` }, () => {});
} else {
    const variants = nativeSimdVariants();
    for (const simd of variants) {
        runDecodeConformance({ newDecodeKernels: () => createNativeKernels({ simd, threads: 2 }), label: `native ${simd} threads=2` });
    }
    runDecodeConformance({ newDecodeKernels: () => createNativeKernels({ threads: 1 }), label: `native ${variants[0]} threads=1` });

    test("native: a decode row's logits do not depend on how many rows share the matmul (F32, F16, BF16, Q8_0)", () => {
        // Batched decoding is only trustworthy for evaluation if each sequence gets exactly what it would get alone.
        const ks = createNativeKernels({ threads: 2 });
        const rng = makeRng(11);
        const C = 96; // a multiple of 32 for Q8_0; the other cases add an odd tail
        for (const [N, Cx] of [[16, C], [7, C + 13], [3, C + 13]] as const) {
            const OC = 37;
            const inp = randomArray(rng, N * Cx, 1);
            const cases: [string, (out: Float32Array, x: Float32Array, n: number) => void][] = [
                ["F32", ((w) => (out, x, n) => ks.matmulForward(out, x, w, null, n, Cx, OC))(randomArray(rng, OC * Cx, 1))],
                ["F16", ((w) => (out, x, n) => ks.matmulF16(out, x, w, n, Cx, OC))(randomHalfBits(rng, OC * Cx))],
                ["BF16", ((w) => (out, x, n) => ks.matmulBF16(out, x, w, n, Cx, OC))(new Uint16Array(randomArray(rng, OC * Cx, 1).buffer).filter((_, i) => i % 2 === 1))],
                ...(Cx % 32 === 0 ? [["Q8_0", ((w: Uint8Array) => (out: Float32Array, x: Float32Array, n: number) => ks.matmulQ8_0(out, x, w, n, Cx, OC))(randomQ8_0(rng, OC, Cx))] as [string, (out: Float32Array, x: Float32Array, n: number) => void]] : []),
            ];
            for (const [name, run] of cases) {
                const batched = new Float32Array(N * OC);
                run(batched, inp, N);
                for (let n = 0; n < N; n++) {
                    const alone = new Float32Array(OC);
                    run(alone, inp.slice(n * Cx, (n + 1) * Cx), 1);
                    assert.deepEqual(batched.subarray(n * OC, (n + 1) * OC), alone, `${name} N=${N} C=${Cx} row ${n}`);
                }
            }
        }
        ks.dispose();
    });

    for (const simd of variants) {
        test(`native ${simd}: matmulQuant gives a row the same bits for any N and thread count (every type)`, () => {
            // Decode (N = 1) and prompt (N > 1, panels of weight rows unpacked once) paths, a partial last panel
            // (odd OC), and for the legacy types an odd block count (C = 544, 2144: the last pair holds one block).
            // The larger shape is above the size run inline, so that two threads take runs of panels (decoding
            // takes rows in pairs on some paths: the odd last row goes alone).
            const alone = createNativeKernels({ simd, threads: 1 });
            const batched = createNativeKernels({ simd, threads: 2 });
            const rng = makeRng(13);
            const shapes = (k: boolean): [number, number][] => (k ? [[512, 21], [2304, 75]] : [[544, 21], [2144, 75]]);
            for (const type of QUANT_KERNEL_TYPES) {
                for (const [C, OC] of shapes(GGML_BLOCK[type][0] === 256)) {
                    const weight = randomQuantRows(rng, type, OC, C);
                    const inp = randomArray(rng, 40 * C, 2);
                    inp.fill(0, 5 * C, 5 * C + 32); // a zero activation block: dx = 0
                    for (const N of [40, 9, 2]) {
                        const out = new Float32Array(N * OC);
                        batched.matmulQuant(out, inp, weight, type, N, C, OC);
                        for (let n = 0; n < N; n++) {
                            const one = new Float32Array(OC);
                            alone.matmulQuant(one, inp.slice(n * C, (n + 1) * C), weight, type, 1, C, OC);
                            assert.deepEqual(out.subarray(n * OC, (n + 1) * OC), one, `type ${type} C=${C} N=${N} row ${n}`);
                        }
                    }
                }
            }
            alone.dispose();
            batched.dispose();
        });
    }

    for (const simd of variants) {
        test(`native ${simd}: matmulQuant's prompt path (N > 16) gives every row the bits of decoding it alone (every type)`, () => {
            // The prompt path computes 16 channels per vector from unpacked chunks of weight units; the contract fixes
            // every integer lane and float operation, so each row must equal the decode path's result bit for bit.
            // 9 units per row (K: 9 super-blocks; legacy: 17 blocks, the last pair holding one) span several chunks,
            // N = 37 leaves a partial tile of rows and OC = 35 a partial panel of channels.
            const alone = createNativeKernels({ simd, threads: 1 });
            const batched = createNativeKernels({ simd, threads: 2 });
            const rng = makeRng(15);
            for (const type of QUANT_KERNEL_TYPES) {
                const [C, OC, N] = [GGML_BLOCK[type][0] === 256 ? 2304 : 544, 35, 37];
                const weight = randomQuantRows(rng, type, OC, C);
                const inp = randomArray(rng, N * C, 2);
                inp.fill(0, 3 * C, 3 * C + 256); // a zero activation block: dx = 0
                const out = new Float32Array(N * OC);
                batched.matmulQuant(out, inp, weight, type, N, C, OC);
                for (let n = 0; n < N; n++) {
                    const one = new Float32Array(OC);
                    alone.matmulQuant(one, inp.slice(n * C, (n + 1) * C), weight, type, 1, C, OC);
                    assert.deepEqual(out.subarray(n * OC, (n + 1) * OC), one, `type ${type} N=${N} row ${n}`);
                }
            }
            alone.dispose();
            batched.dispose();
        });
    }

    const simdQuant = variants.filter((v) => v !== "scalar");
    if (simdQuant.length > 1) {
        test(`native ${simdQuant.join(", ")}: matmulQuant gives the same bits on every SIMD path (every type)`, () => {
            // The SIMD forms share one contract down to the float operations (8 exact int32 lanes per block, 512-bit
            // lanes folded exactly into 256-bit ones), so AVX2 machines and AVX-512 machines decode alike.
            const sets = simdQuant.map((simd) => createNativeKernels({ simd, threads: 2 }));
            const rng = makeRng(14);
            const shapes = (k: boolean): [number, number][] => (k ? [[768, 13], [2304, 75]] : [[544, 13], [2144, 75]]);
            for (const type of QUANT_KERNEL_TYPES) {
                for (const [C, OC] of shapes(GGML_BLOCK[type][0] === 256)) {
                    const weight = randomQuantRows(rng, type, OC, C);
                    for (const N of [1, 19]) {
                        const inp = randomArray(rng, N * C, 2);
                        const outs = sets.map((ks) => {
                            const out = new Float32Array(N * OC);
                            ks.matmulQuant(out, inp, weight, type, N, C, OC);
                            return out;
                        });
                        for (let i = 1; i < outs.length; i++) {
                            assert.deepEqual(outs[i], outs[0], `type ${type} C=${C} N=${N}: ${simdQuant[i]} vs ${simdQuant[0]}`);
                        }
                    }
                }
            }
            sets.forEach((ks) => ks.dispose());
        });
    }

    for (const simd of variants) {
        test(`native ${simd}: matmulQ8_0 gives a row the same bits for any N, decode or prompt path, any thread count`, () => {
            // The contract fixes every float operation of an output (integer block sums, then one float32 sum
            // over blocks in order), so even the prompt path (N > 16) must equal decoding the row alone.
            // C = 1056: rows long enough (33 blocks) for batch-1 decoding's per-row prefetch, which runs on into the
            // next panel, and 9 panels (above the size run inline), so that two threads take runs of panels
            const rng = makeRng(12);
            const alone = createNativeKernels({ simd, threads: 1 });
            const batched = createNativeKernels({ simd, threads: 2 });
            for (const [C, OC] of [[544, 37], [1056, 141]] as const) {
                const weight = randomQ8_0(rng, OC, C);
                const inp = randomArray(rng, 40 * C, 2);
                for (const N of [40, 17, 9]) {
                    const out = new Float32Array(N * OC);
                    batched.matmulQ8_0(out, inp, weight, N, C, OC);
                    for (let n = 0; n < N; n++) {
                        const one = new Float32Array(OC);
                        alone.matmulQ8_0(one, inp.subarray(n * C, (n + 1) * C), weight, 1, C, OC);
                        assert.deepEqual(out.subarray(n * OC, (n + 1) * OC), one, `C=${C} N=${N} row ${n}`);
                    }
                    const two = new Float32Array(OC);
                    batched.matmulQ8_0(two, inp, weight, 1, C, OC);
                    assert.deepEqual(two, out.subarray(0, OC), `C=${C} N=${N}: batch-1 decoding on two threads`);
                }
            }
            alone.dispose();
            batched.dispose();
        });
    }

    for (const simd of variants) {
        test(`native ${simd}: matmulF16 / matmulBF16 give a row the same bits batch-1 (runs of rows, two threads) as batched`, () => {
            // C = 1037: rows longer than the batch-1 prefetch distance, whose prefetch runs on into the next group's
            // rows, plus an odd tail; OC = 141: above the size run inline, so two threads take runs of rows, the
            // last run ending in a partial group of four
            const rng = makeRng(15);
            const alone = createNativeKernels({ simd, threads: 1 });
            const two = createNativeKernels({ simd, threads: 2 });
            const [C, OC] = [1037, 141];
            const inp = randomArray(rng, 16 * C, 2);
            const half = randomHalfBits(rng, OC * C);
            const bf16 = new Uint16Array(randomArray(rng, OC * C, 1).buffer).filter((_, i) => i % 2 === 1);
            for (const [name, w, run] of [["F16", half, "matmulF16"], ["BF16", bf16, "matmulBF16"]] as const) {
                for (const N of [16, 9, 3]) { // decoding rows (N <= 16; longer N is the prompt path's GEMM)
                    const out = new Float32Array(N * OC);
                    two[run](out, inp, w, N, C, OC);
                    for (let n = 0; n < N; n++) {
                        const one = new Float32Array(OC);
                        alone[run](one, inp.subarray(n * C, (n + 1) * C), w, 1, C, OC);
                        assert.deepEqual(out.subarray(n * OC, (n + 1) * OC), one, `${name} N=${N} row ${n}: one thread, batch 1`);
                        two[run](one, inp.subarray(n * C, (n + 1) * C), w, 1, C, OC);
                        assert.deepEqual(out.subarray(n * OC, (n + 1) * OC), one, `${name} N=${N} row ${n}: two threads, batch 1`);
                    }
                }
            }
            alone.dispose();
            two.dispose();
        });
    }

    test("native decode: bad arguments throw KernelArgumentError naming the field", () => {
        const ks = createNativeKernels({ threads: 1 });
        const expectField = (field: string, fn: () => unknown): void => {
            assert.throws(fn, (error: unknown) => error instanceof KernelArgumentError && error.field === field, `expected a KernelArgumentError for ${field}`);
        };
        const f = (n: number): Float32Array => new Float32Array(n);
        expectField("C", () => ks.matmulQ8_0(f(1), f(31), new Uint8Array(34), 1, 31, 1));
        expectField("weight", () => ks.matmulQ8_0(f(1), f(32), new Uint8Array(33), 1, 32, 1));
        expectField("C", () => ks.matmulQuant(f(1), f(128), new Uint8Array(144), 12, 1, 128, 1));
        expectField("weight", () => ks.matmulQuant(f(1), f(256), new Uint8Array(143), 12, 1, 256, 1));
        expectField("type", () => ks.matmulQuant(f(1), f(256), new Uint8Array(292), 15 as 12, 1, 256, 1));
        expectField("weight", () => ks.matmulF16(f(1), f(4), new Float32Array(4) as unknown as Uint16Array, 1, 4, 1));
        expectField("out", () => ks.matmulF16(f(1), f(8), new Uint16Array(8), 1, 4, 2));
        expectField("kCache", () => ks.attentionForwardCached(f(4), f(4), f(7), f(8), 1, 1, 1, 1, 4));
        expectField("NKV", () => ks.attentionForwardCached(f(12), f(12), f(8), f(8), 1, 0, 3, 2, 4));
        ks.dispose();
    });
}
