/**
 * Fused softmax + cross-entropy, reference, over logits (N, V) and targets (N) with ignore index -100:
 *   losses[n] = logsumexp(logits[n]) - logits[n, target]   (0 when ignored)
 *   dlogits[n] = (softmax(logits[n]) - onehot(target)) · gradScale   (0 when ignored)
 * dlogits may alias logits. Returns Σ losses.
 */
export function crossEntropyForwardBackward(losses: Float32Array, dlogits: Float32Array | null, logits: Float32Array,
    targets: Int32Array, N: number, V: number, gradScale: number): number {
    let total = 0;
    for (let n = 0; n < N; n++) {
        const o = n * V;
        const target = targets[n];
        if (target === -100) {
            losses[n] = 0;
            if (dlogits !== null) {
                dlogits.fill(0, o, o + V);
            }
            continue;
        }
        let max = -Infinity;
        for (let i = 0; i < V; i++) {
            max = Math.max(max, logits[o + i]);
        }
        let sum = 0;
        for (let i = 0; i < V; i++) {
            sum += Math.exp(logits[o + i] - max);
        }
        const logSum = max + Math.log(sum);
        const loss = logSum - logits[o + target];
        losses[n] = loss;
        total += losses[n];
        if (dlogits !== null) {
            for (let i = 0; i < V; i++) {
                const p = Math.exp(logits[o + i] - logSum);
                dlogits[o + i] = (p - (i === target ? 1 : 0)) * gradScale;
            }
        }
    }
    return total;
}
