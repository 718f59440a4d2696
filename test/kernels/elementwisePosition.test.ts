/**
 * Elementwise kernels give an element the same value wherever it falls in the array, on every SIMD path this CPU
 * runs: SwiGLU forward and backward over a batch of rows equal the same rows computed alone, bit for bit, for
 * row lengths that leave vector tails (a batched decode step must give each sequence the logits it gets alone;
 * the tails once took std::exp where full vectors took the polynomial, and differed on 16-wide vectors).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createNativeKernels, loadNativeAddon, nativeLoadError, nativeSimdVariants } from "../../src/kernels/native/nativeKernels.js";
import { makeRng, randomArray } from "./checkClose.js";

if (loadNativeAddon() === null) {
    test("elementwise kernels by position", { skip: `native addon not built: ${nativeLoadError()?.message ?? "unknown"}` }, () => {});
} else {
    for (const simd of nativeSimdVariants()) {
        test(`SwiGLU forward and backward: a row in a batch equals the row alone (native ${simd})`, () => {
            const k = createNativeKernels({ simd, threads: 2 });
            const rng = makeRng(7);
            for (const [rows, len] of [[7, 56], [5, 40], [3, 17], [9, 1], [2, 100]] as const) {
                const n = rows * len;
                const gate = randomArray(rng, n, 4);
                const up = randomArray(rng, n, 2);
                const dout = randomArray(rng, n, 1);
                const out = new Float32Array(n);
                const dgate = new Float32Array(n);
                const dup = new Float32Array(n);
                k.swigluForward(out, gate, up, n);
                k.swigluBackward(dgate, dup, dout, gate, up, n);
                for (let r = 0; r < rows; r++) {
                    const at = (a: Float32Array): Float32Array => a.slice(r * len, (r + 1) * len);
                    const one = new Float32Array(len);
                    const dg = new Float32Array(len);
                    const du = new Float32Array(len);
                    k.swigluForward(one, at(gate), at(up), len);
                    k.swigluBackward(dg, du, at(dout), at(gate), at(up), len);
                    assert.deepEqual(at(out), one, `forward, ${rows} x ${len}, row ${r}`);
                    assert.deepEqual(at(dgate), dg, `backward dgate, ${rows} x ${len}, row ${r}`);
                    assert.deepEqual(at(dup), du, `backward dup, ${rows} x ${len}, row ${r}`);
                }
            }
        });
    }
}
