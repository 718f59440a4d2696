/**
 * McNemar's test for two models judged on the same cases (paired binary outcomes). b = cases only model A got
 * right, c = cases only model B got right. Reports the exact two-sided binomial p-value (the one to use when
 * b + c is small; statsmodels' `exact=True`) and the chi-square statistic with Edwards' continuity correction
 * and its p-value (`exact=False, correction=True`). b + c = 0 gives p = 1 and statistic 0.
 */
import { erfc } from "./erfc.js";

export interface McNemarResult {
    b: number;
    c: number;
    statistic: number;
    pChi2: number;
    pExact: number;
}

export function mcnemar(a: readonly boolean[], bOutcomes: readonly boolean[]): McNemarResult {
    if (a.length !== bOutcomes.length) {
        throw new RangeError(`mcnemar: ${a.length} outcomes against ${bOutcomes.length}; the cases must be paired`);
    }
    let b = 0;
    let c = 0;
    for (let i = 0; i < a.length; i++) {
        if (a[i] && !bOutcomes[i]) {
            b++;
        } else if (!a[i] && bOutcomes[i]) {
            c++;
        }
    }
    return mcnemarCounts(b, c);
}

export function mcnemarCounts(b: number, c: number): McNemarResult {
    const n = b + c;
    if (n === 0) {
        return { b, c, statistic: 0, pChi2: 1, pExact: 1 };
    }
    const statistic = Math.max(0, Math.abs(b - c) - 1) ** 2 / n;
    return { b, c, statistic, pChi2: erfc(Math.sqrt(statistic / 2)), pExact: Math.min(1, 2 * binomialCdfHalf(Math.min(b, c), n)) };
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not overflow. */
function binomialCdfHalf(k: number, n: number): number {
    let logC = 0; // log C(n, 0)
    let sum = 0;
    for (let i = 0; i <= k; i++) {
        if (i > 0) {
            logC += Math.log(n - i + 1) - Math.log(i);
        }
        sum += Math.exp(logC - n * Math.LN2);
    }
    return sum;
}
