/**
 * Small elementwise kernels, reference: residual add, AdamW update, sum of squares.
 */
export function addInPlace(out: Float32Array, inp: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) {
        out[i] += inp[i];
    }
}

/**
 * AdamW step as torch.optim.AdamW computes it (decoupled decay applied first, bias-corrected moments):
 *   p *= 1 - lr·wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;
 *   p -= lr / (1 - b1^t) · m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
export function adamwUpdate(params: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, gradScale: number): void {
    const bc1 = 1 - beta1 ** step;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = lr / bc1;
    const decay = 1 - lr * weightDecay;
    for (let i = 0; i < n; i++) {
        const g = grads[i] * gradScale;
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        params[i] = params[i] * decay - stepSize * (m[i] / (Math.sqrt(v[i]) / bc2Sqrt + eps));
    }
}

export function sumSquares(x: Float32Array, n: number): number {
    let acc = 0;
    for (let i = 0; i < n; i++) {
        acc += x[i] * x[i];
    }
    return acc;
}
