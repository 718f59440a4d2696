/**
 * AddonTypes: the typed boundary of the native addon (build/Release/mellama_kernels.node, sources beside this
 * file). Everything that crosses into C++ is declared here and nowhere else, as node-llama-cpp does.
 */
import type { KernelSet } from "../KernelSet.js";

/**
 * SIMD paths the addon is built with; which ones run depends on the CPU (see `variants()`). "emu16" is for tests
 * only: the AVX-512 variant's 16-wide code paths built from AVX2 pairs, never chosen automatically.
 */
export type SimdKind = "avx512" | "avx2" | "scalar" | "emu16";

export interface CpuFeatures {
    avx2: boolean;
    fma: boolean;
    f16c: boolean;
    avx512f: boolean;
    avx512bw: boolean;
    avx512vl: boolean;
    avx512vnni: boolean;
}

/** A native kernel context: one thread pool and one SIMD variant; its methods are the KernelSet's. */
export interface AddonContext extends Omit<KernelSet, "name"> {
    readonly simd: SimdKind;
}

export interface AddonContextConstructor {
    /** threads in [1, 1024]; simd "auto" picks the best variant this CPU runs. */
    new (threads: number, simd: SimdKind | "auto"): AddonContext;
}

export interface NativeAddon {
    Context: AddonContextConstructor;
    cpuFeatures(): CpuFeatures;
    /** The variants this CPU can run, best first (emu16 last). */
    variants(): SimdKind[];
    /** Backs the view's 2 MiB-aligned interior with transparent huge pages (Linux); the bytes advised, else 0. */
    adviseHugePages(view: ArrayBufferView): number;
    /**
     * The file's bytes [offset, offset + length) mapped read-only (no copy; unmapped when the buffer is collected);
     * null where the file cannot be mapped.
     */
    mapFile(path: string, offset: number, length: number): ArrayBuffer | null;
    /**
     * ggml's reference quantizer of `type` (a GgmlType number: Q8_0 or Q2_K..Q6_K) over whole blocks of `src` into
     * `out` (exactly their bytes), on up to `threads` threads; false, touching nothing, for any other type or when
     * `src` holds NaN or Inf.
     */
    quantizeBlocks(type: number, src: Float32Array, out: Uint8Array, threads: number): boolean;
    /** Sets the constructor of the error thrown on bad arguments (called once by the loader). */
    setErrorFactory(factory: (field: string, message: string) => Error): void;
}
