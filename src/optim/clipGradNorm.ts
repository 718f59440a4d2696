/**
 * Global gradient-norm clipping with torch.nn.utils.clip_grad_norm_ semantics: total = ‖all grads‖₂ (summed in
 * float64 by the kernel), coef = maxNorm / (total + 1e-6), and gradients are scaled by min(coef, 1). Rather than
 * rewriting every gradient, the scale is returned for AdamW's `gradScale` (one pass fewer over the arena; the
 * update equals torch's to float rounding).
 */
import type { KernelSet } from "../kernels/KernelSet.js";

export interface GradNorm {
    /** The norm before clipping (what torch returns); NaN or Inf when a gradient is. */
    norm: number;
    /** Multiply gradients by this (1 when no clipping is needed or maxNorm is null). */
    scale: number;
}

export function clipGradNorm({ kernels, grads, maxNorm }: { kernels: KernelSet; grads: readonly Float32Array[]; maxNorm: number | null }): GradNorm {
    let sum = 0;
    for (const g of grads) {
        sum += kernels.sumSquares(g, g.length);
    }
    const norm = Math.sqrt(sum);
    if (maxNorm === null || !Number.isFinite(norm)) {
        return { norm, scale: 1 };
    }
    // torch computes the coefficient in float32 and clamps it to 1.
    const coef = Math.fround(maxNorm / Math.fround(norm + 1e-6));
    return { norm, scale: Math.min(coef, 1) };
}
