/**
 * The mean and its analytic standard error, as lm-evaluation-harness computes them for `mean`-aggregated metrics
 * (acc, em, per-sample F1): stderr = sample standard deviation (n - 1 denominator) / sqrt(n).
 */
import type { MetricValue } from "../api/Task.js";

export function mean(values: readonly number[]): number {
    if (values.length === 0) {
        return Number.NaN;
    }
    let sum = 0;
    for (const v of values) {
        sum += v;
    }
    return sum / values.length;
}

/** Sample standard deviation with Bessel's correction; NaN below two values (as statistics.stdev raises). */
export function sampleStddev(values: readonly number[]): number {
    if (values.length < 2) {
        return Number.NaN;
    }
    const mu = mean(values);
    let ss = 0;
    for (const v of values) {
        ss += (v - mu) * (v - mu);
    }
    return Math.sqrt(ss / (values.length - 1));
}

export function meanWithStderr(values: readonly number[]): MetricValue {
    const stderr = sampleStddev(values) / Math.sqrt(values.length);
    return { value: mean(values), stderr: Number.isFinite(stderr) ? stderr : null };
}
