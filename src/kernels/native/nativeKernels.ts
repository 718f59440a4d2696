/**
 * nativeKernels: the KernelSet backed by the C++ addon (sources beside this file, built by node-gyp into
 * build/Release/mellama_kernels.node during `npm ci`). The addon checks every argument before touching memory
 * and throws KernelArgumentError naming the field; this wrapper only loads it and binds the methods.
 *
 * Variants (chosen at run time, best first): avx512 (F/BW/VL, 12x32 GEMM tile), avx2 (AVX2+FMA+F16C, 6x16 tile),
 * scalar (any CPU); emu16 (tests only: the avx512 variant's 16-wide paths built from AVX2). `simd` in the
 * options, else the MELLAMA_SIMD environment variable, forces one; forcing a variant this CPU cannot run is an
 * error rather than a silent fallback.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { KernelSet } from "../KernelSet.js";
import type { NativeAddon, SimdKind } from "./AddonTypes.js";
import { KernelArgumentError } from "./KernelArgumentError.js";

export interface NativeKernelOptions {
    /** Worker threads, the calling thread included; default: every core (os.availableParallelism()). */
    threads?: number;
    /** Force a SIMD path; default: MELLAMA_SIMD, else "auto". */
    simd?: SimdKind | "auto";
}

/** A KernelSet that says which SIMD path it runs. */
export interface NativeKernelSet extends KernelSet {
    readonly simd: SimdKind;
}

const SIMD_KINDS: readonly string[] = ["auto", "avx512", "avx2", "scalar", "emu16"];

/**
 * Where the addon may be: MELLAMA_NATIVE_ADDON alone when set (an explicit choice, also how a test makes the
 * addon "missing"), else node-gyp's Release and Debug outputs at the repo root, found from this file's location
 * so that any working directory works.
 */
function candidatePaths(): string[] {
    const override = process.env.MELLAMA_NATIVE_ADDON;
    if (override !== undefined && override !== "") {
        return [override];
    }
    const root = new URL("../../../", import.meta.url);
    return ["build/Release/mellama_kernels.node", "build/Debug/mellama_kernels.node"].map((p) => fileURLToPath(new URL(p, root)));
}

let cached: { addon: NativeAddon | null; error: Error | null } | null = null;

/** Loads the addon once; null when it is not built or fails to load (see nativeLoadError()). */
export function loadNativeAddon(): NativeAddon | null {
    if (cached !== null) {
        return cached.addon;
    }
    const require = createRequire(import.meta.url);
    const paths = candidatePaths();
    const path = paths.find((p) => existsSync(p));
    if (path === undefined) {
        cached = { addon: null, error: new Error(`native kernel addon not built (looked in ${paths.join(", ")}); run \`npx node-gyp rebuild\` or \`npm ci\``) };
        return null;
    }
    try {
        const addon = require(path) as NativeAddon;
        addon.setErrorFactory((field, message) => new KernelArgumentError(field, message));
        cached = { addon, error: null };
    } catch (error) {
        cached = { addon: null, error: error instanceof Error ? error : new Error(String(error)) };
    }
    return cached.addon;
}

/** Why loadNativeAddon() returned null, or null when it loaded. */
export function nativeLoadError(): Error | null {
    loadNativeAddon();
    return cached?.error ?? null;
}

/** The SIMD paths this CPU can run with this build, best first; empty when the addon is missing. */
export function nativeSimdVariants(): SimdKind[] {
    return loadNativeAddon()?.variants() ?? [];
}

/**
 * Asks the OS to back a large, long-lived buffer (weights read once per decoded token) with 2 MiB pages, which
 * saves the page walks of streaming it; contents are unchanged. The bytes advised; 0 when the addon is missing,
 * the OS is not Linux, the kernel refuses, or MELLAMA_HUGE_PAGES=0.
 */
export function adviseHugePages(view: ArrayBufferView): number {
    if (process.env.MELLAMA_HUGE_PAGES === "0" || view.byteLength < 2 << 20) {
        return 0;
    }
    return loadNativeAddon()?.adviseHugePages(view) ?? 0;
}

/**
 * The file's bytes [offset, offset + length) mapped read-only, without a copy: they stay in the page cache, shared
 * with other processes, and are unmapped when the view is collected. Null when the addon is missing, the OS is not
 * Linux, the file cannot be mapped, or MELLAMA_MMAP=0 (the caller then reads the bytes instead).
 */
export function mapFileRange(path: string, offset: number, length: number): Uint8Array | null {
    if (process.env.MELLAMA_MMAP === "0" || length === 0) {
        return null;
    }
    const buffer = loadNativeAddon()?.mapFile(path, offset, length) ?? null;
    return buffer === null ? null : new Uint8Array(buffer);
}

/**
 * ggml's reference quantizer of a Q8_0 or K-quant type in native code (byte-identical to src/formats/quant, the
 * readable reference), on every core. False when the addon is missing, quantizes no such type natively, or `src`
 * holds NaN or Inf (whose bits JavaScript does not pin down); the caller then runs the TypeScript reference.
 */
export function quantizeBlocksNative(type: number, src: Float32Array, out: Uint8Array, threads = availableParallelism()): boolean {
    return loadNativeAddon()?.quantizeBlocks(type, src, out, Math.min(1024, Math.max(1, threads))) ?? false;
}

function resolveSimd(simd: string | undefined): SimdKind | "auto" {
    const fromEnv = process.env.MELLAMA_SIMD;
    const value = simd ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : "auto");
    if (!SIMD_KINDS.includes(value)) {
        const field = simd !== undefined ? "simd" : "MELLAMA_SIMD";
        throw new KernelArgumentError(field, `expected one of ${SIMD_KINDS.join(", ")}, got ${JSON.stringify(value)}`);
    }
    return value as SimdKind | "auto";
}

/**
 * Creates a native kernel set with its own thread pool; call dispose() to stop the threads.
 * @example
 * const kernels = createNativeKernels({ threads: 2 });
 * kernels.matmulForward(out, inp, weight, null, N, C, OC);
 * kernels.dispose();
 */
export function createNativeKernels({ threads = availableParallelism(), simd }: NativeKernelOptions = {}): NativeKernelSet {
    if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
        throw new KernelArgumentError("threads", `expected an integer in [1, 1024], got ${threads}`);
    }
    const addon = loadNativeAddon();
    if (addon === null) {
        throw nativeLoadError() ?? new Error("native kernel addon unavailable");
    }
    const ctx = new addon.Context(threads, resolveSimd(simd));
    return {
        name: "native",
        threads: ctx.threads,
        simd: ctx.simd,
        matmulForward: ctx.matmulForward.bind(ctx),
        matmulBackward: ctx.matmulBackward.bind(ctx),
        encoderForward: ctx.encoderForward.bind(ctx),
        encoderBackward: ctx.encoderBackward.bind(ctx),
        rmsnormForward: ctx.rmsnormForward.bind(ctx),
        rmsnormBackward: ctx.rmsnormBackward.bind(ctx),
        ropeForward: ctx.ropeForward.bind(ctx),
        ropeBackward: ctx.ropeBackward.bind(ctx),
        attentionForward: ctx.attentionForward.bind(ctx),
        attentionBackward: ctx.attentionBackward.bind(ctx),
        swigluForward: ctx.swigluForward.bind(ctx),
        swigluBackward: ctx.swigluBackward.bind(ctx),
        addInPlace: ctx.addInPlace.bind(ctx),
        crossEntropyForwardBackward: ctx.crossEntropyForwardBackward.bind(ctx),
        adamwUpdate: ctx.adamwUpdate.bind(ctx),
        sumSquares: ctx.sumSquares.bind(ctx),
        matmulF16: ctx.matmulF16.bind(ctx),
        matmulBF16: ctx.matmulBF16.bind(ctx),
        matmulQ8_0: ctx.matmulQ8_0.bind(ctx),
        matmulQuant: ctx.matmulQuant.bind(ctx),
        attentionForwardCached: ctx.attentionForwardCached.bind(ctx),
        dispose: ctx.dispose.bind(ctx),
    };
}
