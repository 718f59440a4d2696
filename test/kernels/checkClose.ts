/**
 * Comparison and input helpers for the kernel conformance suite: a seeded generator (so a failure reproduces)
 * and `checkClose`, which compares with a relative max-abs tolerance and prints the worst pairs on failure
 * (llm.c's validate_result).
 */
import assert from "node:assert/strict";

/** mulberry32: a small seeded generator; inputs are reproducible from the seed printed in the test name. */
export function makeRng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** n values uniform in [-scale, scale). */
export function randomArray(rng: () => number, n: number, scale = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
        out[i] = (rng() * 2 - 1) * scale;
    }
    return out;
}

/** A view of n elements that starts `offset` elements into a larger buffer (kernels must honour byteOffset). */
export function offsetView(values: Float32Array, offset = 3): Float32Array {
    const backing = new Float32Array(values.length + offset + 5).fill(Number.NaN);
    const view = backing.subarray(offset, offset + values.length);
    view.set(values);
    return view;
}

/**
 * Asserts max |actual - expected| <= tol * max(|expected|, floor): the error relative to the tensor's largest
 * magnitude, which is the scale float32 rounding errors of a sum grow with.
 */
export function checkClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, tol: number, floor = 1e-6): void {
    assert.equal(actual.length, expected.length, `${label}: length`);
    let maxAbs = 0;
    let maxDiff = 0;
    let worst = -1;
    for (let i = 0; i < expected.length; i++) {
        const e = expected[i]!;
        const a = actual[i]!;
        maxAbs = Math.max(maxAbs, Math.abs(e));
        const d = Math.abs(a - e);
        if (!(d <= maxDiff)) {
            maxDiff = Number.isNaN(d) ? Infinity : d;
            worst = i;
        }
    }
    const bound = tol * Math.max(maxAbs, floor);
    if (!(maxDiff <= bound)) {
        const pairs: string[] = [];
        for (let i = 0; i < expected.length && pairs.length < 5; i++) {
            if (!(Math.abs(actual[i]! - expected[i]!) <= bound)) {
                pairs.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
            }
        }
        assert.fail(`${label}: maxdiff ${maxDiff} at ${worst} > ${bound} (tol ${tol} x max|expected| ${maxAbs}); first: ${pairs.join(", ")}`);
    }
}

export function checkScalar(actual: number, expected: number, label: string, tol: number): void {
    const bound = tol * Math.max(Math.abs(expected), 1e-6);
    assert.ok(Math.abs(actual - expected) <= bound, `${label}: ${actual} vs ${expected} (tol ${bound})`);
}

export function assertBitwiseEqual(a: Float32Array, b: Float32Array, label: string): void {
    assert.deepEqual(new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length), `${label}: not bitwise identical`);
}
