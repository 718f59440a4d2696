/**
 * LinearAdapters: the documented way to add per-linear contributions (LoRA, Hu et al. 2021) to LlamaModel.
 * The model calls `forward` right after each base linear layer and `backward` right after each base
 * matmulBackward, for the seven linears of every block. An implementation keeps its own weights, gradients and
 * saved activations (the model never sees them) and must not allocate per call.
 *
 *   forward:  y (N, OC) += adapter(x (N, C))           y already holds x Wᵀ
 *   backward: dx (N, C) += ∂adapter/∂x ᵀ dy (N, OC)   and the adapter's own parameter gradients +=
 *
 * The model holds one as `model.lora`. With `model.frozenBase = true` backward computes no gradient of any base parameter, so an optimizer only
 * needs moments for the adapters. Not here: LoRA itself (lora/).
 */
import type { LayerParam } from "./parameterLayout.js";

/** The seven linear layers of a LLaMA block. */
export type LinearName = Exclude<LayerParam, "inputLayernorm" | "postAttentionLayernorm">;

export interface LinearAdapters {
    /** y (N, OC) += adapter output for input x (N, C) of `linear` in block `layer`. */
    forward(layer: number, linear: LinearName, y: Float32Array, x: Float32Array, N: number): void;
    /**
     * dx (N, C) += input gradient; adapter parameter gradients += from dy (N, OC). The `x` given to forward is
     * still intact here (the model never overwrites a linear's input between forward and backward), so an
     * adapter may keep a reference to it instead of a copy.
     */
    backward(layer: number, linear: LinearName, dx: Float32Array, dy: Float32Array, N: number): void;
    /** Zeroes the adapters' gradients (called by LlamaModel.zeroGrad). */
    zeroGrad(): void;
}
