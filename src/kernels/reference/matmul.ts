/**
 * Linear layer, reference: out (N, OC) = inp (N, C) · weight (OC, C)ᵀ + bias (OC).
 * Backward: dinp (N, C) += dout · weight; dweight (OC, C) += doutᵀ · inp; dbias (OC) += Σ_n dout.
 * Parameter and input gradients use `+=` (see KernelSet.ts). Accumulates in float64 per dot product for
 * a stable definition of correct; the native set accumulates in float32 within the stated tolerance.
 */
import { scratch64 } from "./scratch.js";

export function matmulForward(out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array | null,
    N: number, C: number, OC: number): void {
    for (let n = 0; n < N; n++) {
        const io = n * C;
        for (let o = 0; o < OC; o++) {
            const wo = o * C;
            let acc = bias === null ? 0 : bias[o];
            for (let c = 0; c < C; c++) {
                acc += inp[io + c] * weight[wo + c];
            }
            out[n * OC + o] = acc;
        }
    }
}

export function matmulBackward(dinp: Float32Array | null, dweight: Float32Array | null, dbias: Float32Array | null,
    dout: Float32Array, inp: Float32Array, weight: Float32Array, N: number, C: number, OC: number): void {
    if (dinp !== null) {
        const row = scratch64(C);
        for (let n = 0; n < N; n++) {
            row.fill(0);
            for (let o = 0; o < OC; o++) {
                const d = dout[n * OC + o];
                if (d === 0) {
                    continue;
                }
                const wo = o * C;
                for (let c = 0; c < C; c++) {
                    row[c] += d * weight[wo + c];
                }
            }
            const io = n * C;
            for (let c = 0; c < C; c++) {
                dinp[io + c] += row[c];
            }
        }
    }
    if (dweight !== null || dbias !== null) {
        const row = scratch64(C);
        for (let o = 0; o < OC; o++) {
            row.fill(0);
            let db = 0;
            for (let n = 0; n < N; n++) {
                const d = dout[n * OC + o];
                db += d;
                if (d === 0) {
                    continue;
                }
                const io = n * C;
                for (let c = 0; c < C; c++) {
                    row[c] += d * inp[io + c];
                }
            }
            if (dweight !== null) {
                const wo = o * C;
                for (let c = 0; c < C; c++) {
                    dweight[wo + c] += row[c];
                }
            }
            if (dbias !== null) {
                dbias[o] += db;
            }
        }
    }
}
