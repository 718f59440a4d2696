/**
 * Kernel selection: the one place that decides which KernelSet the model runs on.
 *   "native"     the C++ addon (throws when it is not built, with the loader's reason);
 *   "reference"  plain TypeScript, the definition of correct and the debugging switch (`--kernels=reference`);
 *   "auto"       native when the addon loads, else reference with ONE warning on stderr per process.
 * @example
 * const kernels = getKernelSet({ kind: "auto", threads: 2 });
 */
import type { KernelSet } from "./KernelSet.js";
import type { SimdKind } from "./native/AddonTypes.js";
import { KernelArgumentError } from "./native/KernelArgumentError.js";
import { createNativeKernels, loadNativeAddon, nativeLoadError } from "./native/nativeKernels.js";
import { referenceKernels } from "./reference/index.js";

export type { KernelSet } from "./KernelSet.js";
export type { SimdKind } from "./native/AddonTypes.js";
export { KernelArgumentError } from "./native/KernelArgumentError.js";

export type KernelKind = "native" | "reference" | "auto";

export interface KernelSetOptions {
    /** Default "auto". */
    kind?: KernelKind;
    /** Native threads, the calling thread included; default every core. Ignored by the reference set. */
    threads?: number;
    /** Force a native SIMD path (else MELLAMA_SIMD, else the best this CPU runs). */
    simd?: SimdKind | "auto";
}

let warned = false;

export function getKernelSet({ kind = "auto", threads, simd }: KernelSetOptions = {}): KernelSet {
    switch (kind) {
        case "reference":
            return referenceKernels;
        case "native":
            return createNativeKernels({ threads, simd });
        case "auto":
            if (loadNativeAddon() !== null) {
                return createNativeKernels({ threads, simd });
            }
            if (!warned) {
                warned = true;
                process.stderr.write(`mellama: ${nativeLoadError()?.message ?? "native kernels unavailable"}; using the reference kernels (slow)\n`);
            }
            return referenceKernels;
        default:
            throw new KernelArgumentError("kind", `expected native, reference or auto, got ${JSON.stringify(kind)}`);
    }
}
