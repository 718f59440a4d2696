/** One Float32Array holding the given arrays end to end (a model's per-tensor parameters or gradients, compared whole). */
export function concat(arrays: readonly Float32Array[]): Float32Array {
    const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) {
        out.set(a, at);
        at += a.length;
    }
    return out;
}
