/**
 * Top-K accuracy from first-correct ranks (rank r > 0: the first correct candidate was r-th; 0: none was), with
 * percentile bootstrap 95 % CIs over cases, all K sharing the same resamples. Used per judge (normalised match,
 * LLM, clinicians) and by the paired comparison of two models.
 */
import type { ConfidenceInterval } from "../../metrics/bootstrapCI.js";
import { bootstrapCI } from "../../metrics/bootstrapCI.js";

export interface AccuracyCurve {
    /** Cases counted (for the LLM judge: judged cases only). */
    n: number;
    /** accuracy[k - 1] = top-k accuracy, k = 1..K. */
    accuracy: number[];
    ciLow: number[];
    ciHigh: number[];
}

export function topKAccuracy(ranks: readonly number[], K: number, indices?: ArrayLike<number>): number[] {
    const hits = new Array<number>(K).fill(0);
    const n = indices === undefined ? ranks.length : indices.length;
    for (let j = 0; j < n; j++) {
        const r = ranks[indices === undefined ? j : indices[j]!]!;
        if (r > 0 && r <= K) {
            hits[r - 1]!++;
        }
    }
    let cum = 0;
    return hits.map((h) => {
        cum += h;
        return n === 0 ? Number.NaN : cum / n;
    });
}

export function accuracyCurve(ranks: readonly number[], K: number, seed?: number): AccuracyCurve {
    const cis: ConfidenceInterval[] = bootstrapCI(ranks.length, (idx) => topKAccuracy(ranks, K, idx), { seed });
    return { n: ranks.length, accuracy: topKAccuracy(ranks, K), ciLow: cis.map((c) => c.low), ciHigh: cis.map((c) => c.high) };
}
