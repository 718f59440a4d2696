/**
 * The native decode kernels (F16 / Q8_0 matmuls, cached attention) against referenceDecodeKernels on every SIMD
 * path this CPU runs, plus their argument checks. Skips with the loader's reason when the addon is not built.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KernelArgumentError } from "../../src/kernels/native/KernelArgumentError.js";
import { createNativeKernels, loadNativeAddon, nativeLoadError, nativeSimdVariants } from "../../src/kernels/native/nativeKernels.js";
import { runDecodeConformance } from "./decodeConformance.js";

if (loadNativeAddon() === null) {
    test("native decode kernels", { skip: `native addon not built: ${nativeLoadError()?.message ?? "unknown"}` }, () => {});
} else {
    const variants = nativeSimdVariants();
    for (const simd of variants) {
        runDecodeConformance({ newDecodeKernels: () => createNativeKernels({ simd, threads: 2 }), label: `native ${simd} threads=2` });
    }
    runDecodeConformance({ newDecodeKernels: () => createNativeKernels({ threads: 1 }), label: `native ${variants[0]} threads=1` });

    test("native decode: bad arguments throw KernelArgumentError naming the field", () => {
        const ks = createNativeKernels({ threads: 1 });
        const expectField = (field: string, fn: () => unknown): void => {
            assert.throws(fn, (error: unknown) => error instanceof KernelArgumentError && error.field === field, `expected a KernelArgumentError for ${field}`);
        };
        const f = (n: number): Float32Array => new Float32Array(n);
        expectField("C", () => ks.matmulQ8_0(f(1), f(31), new Uint8Array(34), 1, 31, 1));
        expectField("weight", () => ks.matmulQ8_0(f(1), f(32), new Uint8Array(33), 1, 32, 1));
        expectField("weight", () => ks.matmulF16(f(1), f(4), new Float32Array(4) as unknown as Uint16Array, 1, 4, 1));
        expectField("out", () => ks.matmulF16(f(1), f(8), new Uint16Array(8), 1, 4, 2));
        expectField("kCache", () => ks.attentionForwardCached(f(4), f(4), f(7), f(8), 1, 1, 1, 1, 4));
        expectField("NKV", () => ks.attentionForwardCached(f(12), f(12), f(8), f(8), 1, 0, 3, 2, 4));
        ks.dispose();
    });
}
