/**
 * Bootstrap standard error of a corpus-level metric, as lm-evaluation-harness does for non-mean aggregations:
 * resample the samples with replacement `iters` times (lm-eval's bootstrap_iters, 100 in Me-LLaMA's runs),
 * recompute the metric, and take the sample standard deviation of the results. Seeded, so reruns agree.
 */
import { Rng } from "../../util/rng.js";
import { sampleStddev } from "./mean.js";

export interface BootstrapOptions {
    iters?: number;
    seed?: number;
}

export function bootstrapStderr<T>(items: readonly T[], metric: (sample: readonly T[]) => number,
    { iters = 100, seed = 1234 }: BootstrapOptions = {}): number | null {
    if (items.length === 0 || iters < 2) {
        return null;
    }
    const rng = new Rng(seed);
    const results: number[] = [];
    const sample = new Array<T>(items.length);
    for (let it = 0; it < iters; it++) {
        for (let i = 0; i < items.length; i++) {
            sample[i] = items[rng.int(items.length)]!;
        }
        results.push(metric(sample));
    }
    const sd = sampleStddev(results);
    return Number.isFinite(sd) ? sd : null;
}
