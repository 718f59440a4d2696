/**
 * SwiGLU gate, reference: out (n) = silu(gate) · up with silu(x) = x σ(x).
 * Backward: dgate = dout · up · σ(g)(1 + g(1 - σ(g)));  dup = dout · silu(g). `=` semantics.
 */
export function swigluForward(out: Float32Array, gate: Float32Array, up: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) {
        const g = gate[i];
        out[i] = (g / (1 + Math.exp(-g))) * up[i];
    }
}

export function swigluBackward(dgate: Float32Array, dup: Float32Array, dout: Float32Array, gate: Float32Array,
    up: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) {
        const g = gate[i];
        const sig = 1 / (1 + Math.exp(-g));
        const d = dout[i];
        const u = up[i];
        dgate[i] = d * u * sig * (1 + g * (1 - sig));
        dup[i] = d * g * sig;
    }
}
