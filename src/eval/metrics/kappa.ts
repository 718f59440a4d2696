/**
 * Agreement between raters who label the same units with categories (clinician verdicts, judge verdicts):
 * - cohenKappa(a, b): Cohen's κ for two raters, unweighted, as sklearn.metrics.cohen_kappa_score
 *   (κ = (po - pe) / (1 - pe), pe from each rater's marginals over the union of labels); NaN when pe = 1.
 * - fleissKappa(ratings): Fleiss' κ for m >= 2 raters who each rated every unit (rows: units, one label per rater).
 * - percentAgreement: the share of units two raters label alike; for m raters the mean pairwise agreement per
 *   unit (Fleiss' P-bar).
 * Units with a missing label must be dropped by the caller (these functions take complete data).
 */
export function cohenKappa(a: readonly string[], b: readonly string[]): number {
    if (a.length !== b.length) {
        throw new RangeError(`cohenKappa: ${a.length} labels against ${b.length}`);
    }
    const n = a.length;
    if (n === 0) {
        return Number.NaN;
    }
    const countA = new Map<string, number>();
    const countB = new Map<string, number>();
    let agree = 0;
    for (let i = 0; i < n; i++) {
        countA.set(a[i]!, (countA.get(a[i]!) ?? 0) + 1);
        countB.set(b[i]!, (countB.get(b[i]!) ?? 0) + 1);
        if (a[i] === b[i]) {
            agree++;
        }
    }
    const po = agree / n;
    let pe = 0;
    for (const [label, ca] of countA) {
        pe += (ca / n) * ((countB.get(label) ?? 0) / n);
    }
    return pe === 1 ? Number.NaN : (po - pe) / (1 - pe);
}

export function percentAgreement(ratings: readonly (readonly string[])[]): number {
    if (ratings.length === 0) {
        return Number.NaN;
    }
    let total = 0;
    for (const row of ratings) {
        const m = row.length;
        let same = 0;
        for (let i = 0; i < m; i++) {
            for (let j = i + 1; j < m; j++) {
                if (row[i] === row[j]) {
                    same++;
                }
            }
        }
        total += m < 2 ? Number.NaN : same / (m * (m - 1) / 2);
    }
    return total / ratings.length;
}

export function fleissKappa(ratings: readonly (readonly string[])[]): number {
    const N = ratings.length;
    if (N === 0) {
        return Number.NaN;
    }
    const m = ratings[0]!.length;
    if (m < 2 || ratings.some((r) => r.length !== m)) {
        throw new RangeError("fleissKappa: every unit needs the same number (>= 2) of ratings");
    }
    const totals = new Map<string, number>();
    let pBarSum = 0;
    for (const row of ratings) {
        const counts = new Map<string, number>();
        for (const label of row) {
            counts.set(label, (counts.get(label) ?? 0) + 1);
            totals.set(label, (totals.get(label) ?? 0) + 1);
        }
        let sq = 0;
        for (const c of counts.values()) {
            sq += c * c;
        }
        pBarSum += (sq - m) / (m * (m - 1));
    }
    const pBar = pBarSum / N;
    let pe = 0;
    for (const t of totals.values()) {
        pe += (t / (N * m)) ** 2;
    }
    return pe === 1 ? Number.NaN : (pBar - pe) / (1 - pe);
}
