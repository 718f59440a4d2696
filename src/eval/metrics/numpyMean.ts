/**
 * The mean of float64 values summed in the order numpy's `mean` sums a contiguous array (pairwise summation:
 * below 8 values one running sum from 0; up to 128, eight running sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))
 * and the remainder added one by one; above, the two halves, split at a multiple of 8, recursively), so that a
 * metric averaged by numpy in the reference (seqeval's macro average) is reproduced to the last bit. NaN when empty.
 */
function pairwiseSum(values: readonly number[], start: number, n: number): number {
    if (n < 8) {
        let sum = 0;
        for (let i = 0; i < n; i++) {
            sum += values[start + i]!;
        }
        return sum;
    }
    if (n <= 128) {
        const r = values.slice(start, start + 8);
        let i = 8;
        for (; i < n - (n % 8); i += 8) {
            for (let j = 0; j < 8; j++) {
                r[j]! += values[start + i + j]!;
            }
        }
        let sum = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
        for (; i < n; i++) {
            sum += values[start + i]!;
        }
        return sum;
    }
    let half = Math.floor(n / 2);
    half -= half % 8;
    return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

export function numpyMean(values: readonly number[]): number {
    return values.length === 0 ? Number.NaN : pairwiseSum(values, 0, values.length) / values.length;
}
