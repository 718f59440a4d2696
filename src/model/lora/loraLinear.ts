/**
 * LoRA on one linear layer (Hu et al. 2021, PEFT's layout): y = x Wᵀ + s · dropout(x) Aᵀ Bᵀ with
 * A (r, C), B (OC, r) and s = alpha / r. The base weight W is frozen; only A and B get gradients.
 * Built from KernelSet matmuls, outputs first and sizes last:
 *   forward:  u (N, r) = x̃ Aᵀ;  u *= s;  tmp (N, OC) = u Bᵀ;  y += tmp
 *   backward: du (N, r) = dy B, dB += dyᵀ u (u already holds s·x̃Aᵀ);  du *= s;
 *             dA += duᵀ x̃;  dx += (du A) ⊙ mask / keep
 * where x̃ = x ⊙ mask / keep is inverted dropout (keep = 1 - p). With p = 0 no mask is drawn and x̃ = x.
 * Not here: where adapters attach in the model (LoraAdapters), the PEFT files (formats/peft).
 */
import type { KernelSet } from "../../kernels/KernelSet.js";

export interface LoraBuffers {
    /** (N, r): s · x̃ Aᵀ, kept from forward for backward. */
    u: Float32Array;
    /** (N, r): gradient scratch. */
    du: Float32Array;
    /** (N, OC): scratch for the adapter's contribution to y. */
    tmp: Float32Array;
    /** (N, C): dropped-out input x̃ when dropout > 0 (else unused). */
    xDrop: Float32Array;
    /** (N, C): scratch for the input gradient of the dropout path. */
    dxDrop: Float32Array;
}

/** y (N, OC) += s · x̃ Aᵀ Bᵀ. `x` is the layer input (N, C); returns the input the adapter saw (x or x̃). */
export function loraForward(kernels: KernelSet, y: Float32Array, buf: LoraBuffers, x: Float32Array,
    a: Float32Array, b: Float32Array, scale: number, dropMask: Uint8Array | null, keep: number,
    N: number, C: number, OC: number, r: number): Float32Array {
    let input = x;
    if (dropMask !== null) {
        const xd = buf.xDrop;
        const inv = 1 / keep;
        for (let i = 0; i < N * C; i++) {
            xd[i] = dropMask[i] ? x[i]! * inv : 0;
        }
        input = xd;
    }
    const u = buf.u.subarray(0, N * r);
    kernels.matmulForward(u, input, a, null, N, C, r);
    for (let i = 0; i < N * r; i++) {
        u[i] = u[i]! * scale;
    }
    const tmp = buf.tmp.subarray(0, N * OC);
    kernels.matmulForward(tmp, u, b, null, N, r, OC);
    kernels.addInPlace(y, tmp, N * OC);
    return input;
}

/** dA (r, C) +=, dB (OC, r) +=, dx (N, C) += (when not null). `input` is what loraForward returned. */
export function loraBackward(kernels: KernelSet, dx: Float32Array | null, da: Float32Array, db: Float32Array,
    buf: LoraBuffers, dy: Float32Array, input: Float32Array, a: Float32Array, b: Float32Array, scale: number,
    dropMask: Uint8Array | null, keep: number, N: number, C: number, OC: number, r: number): void {
    const u = buf.u.subarray(0, N * r);
    const du = buf.du.subarray(0, N * r);
    du.fill(0);
    kernels.matmulBackward(du, db, null, dy, u, b, N, r, OC);
    for (let i = 0; i < N * r; i++) {
        du[i] = du[i]! * scale;
    }
    if (dx === null) {
        kernels.matmulBackward(null, da, null, du, input, a, N, C, r);
        return;
    }
    if (dropMask === null) {
        kernels.matmulBackward(dx, da, null, du, input, a, N, C, r);
        return;
    }
    const dxd = buf.dxDrop.subarray(0, N * C);
    dxd.fill(0);
    kernels.matmulBackward(dxd, da, null, du, input, a, N, C, r);
    const inv = 1 / keep;
    for (let i = 0; i < N * C; i++) {
        if (dropMask[i]) {
            dx[i] = dx[i]! + dxd[i]! * inv;
        }
    }
}
