/**
 * The q-th percentile of a list by linear interpolation between closest ranks, numpy.percentile's default
 * ("linear"): position (n - 1) * q / 100 in the sorted values. NaN for an empty list.
 */
export function percentile(values: readonly number[], q: number): number {
    if (values.length === 0) {
        return Number.NaN;
    }
    const sorted = [...values].sort((a, b) => a - b);
    const pos = (sorted.length - 1) * Math.min(100, Math.max(0, q)) / 100;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const a = sorted[lo]!;
    const b = sorted[hi]!;
    return a + (b - a) * (pos - lo);
}
