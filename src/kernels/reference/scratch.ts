/**
 * One float64 scratch row shared by the reference kernels (single-threaded, never re-entered), so that a kernel
 * call allocates nothing once the largest row has been seen: it grows, never shrinks.
 */
let buffer = new Float64Array(1024);

/** A zero-filled float64 view of n elements; valid until the next call. */
export function scratch64(n: number): Float64Array {
    if (buffer.length < n) {
        buffer = new Float64Array(Math.max(n, buffer.length * 2));
    }
    const view = buffer.subarray(0, n);
    view.fill(0);
    return view;
}
