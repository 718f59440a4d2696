/**
 * RMSNorm, reference (LLaMA: no mean subtraction, no bias):
 *   rstd (N) = 1 / sqrt(mean_c(inp²) + eps);  out (N, C) = inp · rstd · weight (C)
 * Backward with x̂ = inp · rstd and g = dout · weight:
 *   dinp (N, C) += rstd · (g - x̂ · mean_c(g · x̂));  dweight (C) += Σ_n dout · x̂
 * dinp uses `+=`: the residual stream it feeds has two consumers.
 */
export function rmsnormForward(out: Float32Array, rstd: Float32Array, inp: Float32Array, weight: Float32Array,
    N: number, C: number, eps: number): void {
    for (let n = 0; n < N; n++) {
        const o = n * C;
        let ss = 0;
        for (let c = 0; c < C; c++) {
            ss += inp[o + c] * inp[o + c];
        }
        const r = 1 / Math.sqrt(ss / C + eps);
        rstd[n] = r;
        for (let c = 0; c < C; c++) {
            out[o + c] = inp[o + c] * r * weight[c];
        }
    }
}

export function rmsnormBackward(dinp: Float32Array, dweight: Float32Array, dout: Float32Array, inp: Float32Array,
    weight: Float32Array, rstd: Float32Array, N: number, C: number): void {
    for (let n = 0; n < N; n++) {
        const o = n * C;
        const r = rstd[n];
        let dot = 0;
        for (let c = 0; c < C; c++) {
            dot += dout[o + c] * weight[c] * inp[o + c] * r;
        }
        const mean = dot / C;
        for (let c = 0; c < C; c++) {
            const xhat = inp[o + c] * r;
            dweight[c] += dout[o + c] * xhat;
            dinp[o + c] += r * (dout[o + c] * weight[c] - xhat * mean);
        }
    }
}
