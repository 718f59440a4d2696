/**
 * The native kernel set against the reference kernels: the conformance suite on every SIMD path this CPU runs
 * (2 threads), the default path on 1 thread, results that do not depend on the thread count, and the typed errors on bad arguments.
 * Skips with the loader's reason when the addon is not built (e.g. MELLAMA_SKIP_NATIVE=1 at install).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { KernelArgumentError } from "../../src/kernels/native/KernelArgumentError.js";
import { createNativeKernels, loadNativeAddon, nativeLoadError, nativeSimdVariants } from "../../src/kernels/native/nativeKernels.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { assertBitwiseEqual, makeRng, randomArray } from "./checkClose.js";
import { runKernelConformance } from "./conformance.js";

const addon = loadNativeAddon();

if (addon === null) {
    test("native kernels", { skip: `native addon not built: ${nativeLoadError()?.message ?? "unknown"}` }, () => {});
} else {
    const variants = nativeSimdVariants();
    for (const simd of variants) {
        runKernelConformance({ newKernelSet: () => createNativeKernels({ simd, threads: 2 }), label: `native ${simd} threads=2`, reference: referenceKernels });
    }
    runKernelConformance({ newKernelSet: () => createNativeKernels({ threads: 1 }), label: `native ${variants[0]} threads=1`, reference: referenceKernels });

    // The SIMD paths offered are exactly those the CPU's flags allow, as the kernel reports them (/proc/cpuinfo),
    // independently of the addon's own CPUID code: the conformance runs above then cover avx512 on every CPU that
    // has it, and its 16-wide code as emu16 (on AVX2) everywhere else.
    const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : null;
    test("native: the SIMD paths offered are the ones the CPU's flags allow", { skip: cpuinfo === null ? "no /proc/cpuinfo on this OS" : false }, () => {
        const flags = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo!)?.[1]!.trim().split(/\s+/) ?? []);
        const has = (...names: string[]): boolean => names.every((n) => flags.has(n));
        const avx2 = has("avx2", "fma", "f16c");
        const avx512 = avx2 && has("avx512f", "avx512bw", "avx512vl", "avx512_vnni");
        assert.deepEqual(addon.cpuFeatures(), {
            avx2: flags.has("avx2"), fma: flags.has("fma"), f16c: flags.has("f16c"), avx512f: flags.has("avx512f"),
            avx512bw: flags.has("avx512bw"), avx512vl: flags.has("avx512vl"), avx512vnni: flags.has("avx512_vnni"),
        });
        const expected = [...(avx512 ? ["avx512"] : []), ...(avx2 ? ["avx2"] : []), "scalar", ...(avx2 ? ["emu16"] : [])];
        assert.deepEqual(variants, expected);
    });

    test("native: MELLAMA_SIMD forces a path; an unknown value names the variable", () => {
        const saved = process.env.MELLAMA_SIMD;
        try {
            process.env.MELLAMA_SIMD = "scalar";
            const forced = createNativeKernels({ threads: 1 });
            assert.equal(forced.simd, "scalar");
            forced.dispose();
            const explicit = createNativeKernels({ threads: 1, simd: variants[0] });
            assert.equal(explicit.simd, variants[0], "the simd option wins over MELLAMA_SIMD");
            explicit.dispose();
            process.env.MELLAMA_SIMD = "sse9";
            assert.throws(() => createNativeKernels({ threads: 1 }), (e: unknown) => e instanceof KernelArgumentError && e.field === "MELLAMA_SIMD");
            delete process.env.MELLAMA_SIMD;
            const auto = createNativeKernels({ threads: 1 });
            assert.equal(auto.simd, variants[0], "auto picks the best path this CPU runs");
            auto.dispose();
        } finally {
            if (saved === undefined) {
                delete process.env.MELLAMA_SIMD;
            } else {
                process.env.MELLAMA_SIMD = saved;
            }
        }
    });

    test("native: outputs do not depend on the thread count", () => {
        const one = createNativeKernels({ threads: 1 });
        const three = createNativeKernels({ threads: 3 });
        try {
            const rng = makeRng(21);
            const [N, C, OC] = [200, 290, 150];
            const inp = randomArray(rng, N * C);
            const weight = randomArray(rng, OC * C);
            const dout = randomArray(rng, N * OC);
            const results = [one, three].map((ks) => {
                const out = new Float32Array(N * OC);
                const dinp = new Float32Array(N * C);
                const dweight = new Float32Array(OC * C);
                const dbias = new Float32Array(OC);
                ks.matmulForward(out, inp, weight, null, N, C, OC);
                ks.matmulBackward(dinp, dweight, dbias, dout, inp, weight, N, C, OC);
                return { out, dinp, dweight, dbias, ss: ks.sumSquares(dweight, OC * C) };
            });
            const [a, b] = results as [(typeof results)[0], (typeof results)[0]];
            assertBitwiseEqual(a.out, b.out, "out");
            assertBitwiseEqual(a.dinp, b.dinp, "dinp");
            assertBitwiseEqual(a.dweight, b.dweight, "dweight");
            assertBitwiseEqual(a.dbias, b.dbias, "dbias");
            assert.equal(a.ss, b.ss);
        } finally {
            one.dispose();
            three.dispose();
        }
    });

    test("native: bad arguments throw KernelArgumentError naming the field, before touching memory", () => {
        const ks = createNativeKernels({ threads: 2 });
        const expectField = (field: string, fn: () => unknown): void => {
            assert.throws(fn, (error: unknown) => error instanceof KernelArgumentError && error.field === field, `expected a KernelArgumentError for ${field}`);
        };
        const f = (n: number): Float32Array => new Float32Array(n);
        expectField("out", () => ks.matmulForward(f(5), f(6), f(6), null, 2, 3, 3));
        expectField("weight", () => ks.matmulForward(f(6), f(6), f(5), null, 2, 3, 3));
        expectField("bias", () => ks.matmulForward(f(6), f(6), f(9), f(2), 2, 3, 3));
        expectField("N", () => ks.matmulForward(f(6), f(6), f(9), null, 1.5, 3, 3));
        expectField("C", () => ks.matmulForward(f(6), f(6), f(9), null, 2, -3, 3));
        expectField("inp", () => ks.matmulForward(f(6), new Float64Array(6) as unknown as Float32Array, f(9), null, 2, 3, 3));
        expectField("dinp", () => ks.matmulBackward(f(2), null, null, f(6), f(6), f(9), 2, 3, 3));
        expectField("tokens", () => ks.encoderForward(f(6), Int32Array.of(0, 7), f(15), 2, 3));
        expectField("tokens", () => ks.encoderBackward(f(15), f(6), Int32Array.of(-1, 0), 2, 3));
        expectField("tokens", () => ks.encoderForward(f(6), new Float32Array(2) as unknown as Int32Array, f(15), 2, 3));
        expectField("targets", () => ks.crossEntropyForwardBackward(f(2), null, f(8), Int32Array.of(1, 4), 2, 4, 1));
        expectField("gradScale", () => ks.crossEntropyForwardBackward(f(2), null, f(8), Int32Array.of(1, -100), 2, 4, Number.NaN));
        expectField("HS", () => ks.ropeForward(f(6), f(6), f(10), f(10), null, 1, 2, 1, 3, 0));
        expectField("cos", () => ks.ropeForward(f(8), f(8), f(3), f(10), null, 1, 2, 1, 4, 1));
        expectField("cos", () => ks.ropeForward(f(8), f(8), f(4), f(4), Int32Array.of(0, 2), 1, 2, 1, 4, 0));
        expectField("positions", () => ks.ropeForward(f(8), f(8), f(4), f(4), Int32Array.of(0, -1), 1, 2, 1, 4, 0));
        expectField("positions", () => ks.ropeForward(f(8), f(8), f(4), f(4), Int32Array.of(0), 1, 2, 1, 4, 0));
        expectField("NKV", () => ks.attentionForward(f(12), f(3), f(12), f(8), f(8), null, 1, 2, 3, 2, 2));
        expectField("segStart", () => ks.attentionForward(f(8), f(4), f(8), f(8), f(8), Int32Array.of(0, 2), 1, 2, 2, 2, 2));
        expectField("segStart", () => ks.attentionBackward(f(8), f(8), f(8), f(8), f(8), f(8), f(8), f(8), f(4), Int32Array.of(0, 0, 1, 0), 2, 2, 1, 1, 2));
        expectField("out", () => {
            const buf = f(12);
            ks.rmsnormForward(buf, f(2), buf, f(6), 2, 6, 1e-5);
        });
        expectField("step", () => ks.adamwUpdate(f(3), f(3), f(3), f(3), 3, 1e-3, 0.9, 0.95, 1e-8, 0, 0, 1));
        expectField("x", () => ks.sumSquares(f(3), 4));

        ks.dispose();
        expectField("kernels", () => ks.sumSquares(f(3), 3));
        expectField("threads", () => createNativeKernels({ threads: 0 }));
        expectField("simd", () => createNativeKernels({ simd: "neon" as "scalar" }));
    });
}
