/**
 * Percentile bootstrap confidence intervals for statistics of n units (cases, rated items): draw `iters`
 * resamples of unit indices with replacement from the seeded Rng (util/rng), compute the statistic on each
 * (it may return several numbers, e.g. top-1 … top-K accuracy, which then share the same resamples), and take
 * the (alpha/2, 1 - alpha/2) percentiles numpy-style. Resamples whose statistic is not finite (a κ with no
 * variation) are dropped per component; `valid` says how many remained. Seeded: reruns give the same interval.
 * Not here: BCa or studentized intervals.
 */
import { Rng } from "../../util/rng.js";
import { percentile } from "./percentile.js";

export interface BootstrapCIOptions {
    /** Resamples (default 2000). */
    iters?: number;
    seed?: number;
    /** 0.05 for a 95 % interval. */
    alpha?: number;
}

export interface ConfidenceInterval {
    low: number;
    high: number;
    /** Resamples that gave a finite value. */
    valid: number;
}

export const DEFAULT_BOOTSTRAP_ITERS = 2000;
export const DEFAULT_BOOTSTRAP_SEED = 20240;

/** Resample index vectors in the order the statistic sees them (exported for the oracle test). */
export function bootstrapIndices(n: number, iters: number, seed: number): Int32Array[] {
    const rng = new Rng(seed);
    const out: Int32Array[] = [];
    for (let it = 0; it < iters; it++) {
        const idx = new Int32Array(n);
        for (let i = 0; i < n; i++) {
            idx[i] = rng.int(n);
        }
        out.push(idx);
    }
    return out;
}

export function bootstrapCI(n: number, statistic: (indices: Int32Array) => readonly number[],
    { iters = DEFAULT_BOOTSTRAP_ITERS, seed = DEFAULT_BOOTSTRAP_SEED, alpha = 0.05 }: BootstrapCIOptions = {}): ConfidenceInterval[] {
    if (n === 0) {
        return [];
    }
    const draws: number[][] = [];
    for (const idx of bootstrapIndices(n, iters, seed)) {
        const values = statistic(idx);
        values.forEach((v, k) => {
            if (Number.isFinite(v)) {
                (draws[k] ??= []).push(v);
            } else {
                draws[k] ??= [];
            }
        });
    }
    return draws.map((d) => ({ low: percentile(d, 100 * alpha / 2), high: percentile(d, 100 * (1 - alpha / 2)), valid: d.length }));
}
