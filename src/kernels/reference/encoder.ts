/**
 * Token embedding, reference: out (N, C) = wte (V, C)[tokens (N)]; backward scatters dwte (V, C) += dout.
 */
export function encoderForward(out: Float32Array, tokens: Int32Array, wte: Float32Array, N: number, C: number): void {
    for (let n = 0; n < N; n++) {
        out.set(wte.subarray(tokens[n] * C, tokens[n] * C + C), n * C);
    }
}

export function encoderBackward(dwte: Float32Array, dout: Float32Array, tokens: Int32Array, N: number, C: number): void {
    for (let n = 0; n < N; n++) {
        const w = tokens[n] * C;
        const d = n * C;
        for (let c = 0; c < C; c++) {
            dwte[w + c] += dout[d + c];
        }
    }
}
