/**
 * Rotary position embedding, reference, Hugging Face rotate-half convention, on x (B, T, NHx, HS) with row
 * (b, t) at position p = positions[b*T + t] when positions (B, T) is given (packed rows: each packed example
 * restarts at 0), else p = pos0 + t; half = HS/2, i < half:
 *   out[i] = x[i] cos[p,i] - x[i+half] sin[p,i];  out[i+half] = x[i+half] cos[p,i] + x[i] sin[p,i]
 * Backward applies the transposed rotation (sin negated). out/dinp may alias their input.
 */
function rotate(out: Float32Array, inp: Float32Array, cos: Float32Array, sin: Float32Array, positions: Int32Array | null,
    B: number, T: number, NHx: number, HS: number, pos0: number, sign: number): void {
    const half = HS >> 1;
    for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
            const p = (positions === null ? pos0 + t : positions[b * T + t]) * half;
            for (let h = 0; h < NHx; h++) {
                const o = ((b * T + t) * NHx + h) * HS;
                for (let i = 0; i < half; i++) {
                    const c = cos[p + i];
                    const s = sign * sin[p + i];
                    const x1 = inp[o + i];
                    const x2 = inp[o + i + half];
                    out[o + i] = x1 * c - x2 * s;
                    out[o + i + half] = x2 * c + x1 * s;
                }
            }
        }
    }
}

export function ropeForward(out: Float32Array, inp: Float32Array, cos: Float32Array, sin: Float32Array,
    positions: Int32Array | null, B: number, T: number, NHx: number, HS: number, pos0: number): void {
    rotate(out, inp, cos, sin, positions, B, T, NHx, HS, pos0, 1);
}

export function ropeBackward(dinp: Float32Array, dout: Float32Array, cos: Float32Array, sin: Float32Array,
    positions: Int32Array | null, B: number, T: number, NHx: number, HS: number, pos0: number): void {
    rotate(dinp, dout, cos, sin, positions, B, T, NHx, HS, pos0, -1);
}
