/**
 * Single-label F1 exactly as scikit-learn's f1_score computes it for multiclass input with an explicit `labels`
 * list (Me-LLaMA passes labels = set(golds)), pinned to Debian's scikit-learn 1.2.1:
 * - per label: precision = tp / predicted, recall = tp / true; a 0/0 is 0 (zero_division="warn" yields 0 and
 *   warns), and F1 = 2PR / (P + R) with a zero denominator giving 0 — the P/R form that 1.2.1 uses, not the
 *   tp/(tp + (fp + fn)/2) form of later releases (they agree except in the last bits);
 * - predictions outside `labels` (e.g. "missing") are not a class but still cost the gold class a true positive;
 * - macro = unweighted mean over labels; weighted = mean weighted by each label's support (0 if no support).
 */
export interface LabelCounts {
    label: string;
    tp: number;
    predicted: number;
    support: number;
    precision: number;
    recall: number;
    f1: number;
}

export function prf(tp: number, predicted: number, support: number): { precision: number; recall: number; f1: number } {
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const denom = precision + recall;
    return { precision, recall, f1: denom > 0 ? (2 * precision * recall) / denom : 0 };
}

/** Per-label counts over parallel gold/prediction lists; labels default to the sorted set of golds. */
export function labelCounts(golds: readonly string[], preds: readonly string[], labels?: readonly string[]): LabelCounts[] {
    if (golds.length !== preds.length) {
        throw new RangeError(`golds (${golds.length}) and preds (${preds.length}) differ in length`);
    }
    const used = labels ?? [...new Set(golds)].sort();
    const index = new Map(used.map((label, i) => [label, i]));
    const tp = new Array<number>(used.length).fill(0);
    const predicted = new Array<number>(used.length).fill(0);
    const support = new Array<number>(used.length).fill(0);
    for (let i = 0; i < golds.length; i++) {
        const g = index.get(golds[i]!);
        const p = index.get(preds[i]!);
        if (g !== undefined) {
            support[g]!++;
        }
        if (p !== undefined) {
            predicted[p]!++;
            if (p === g) {
                tp[p]!++;
            }
        }
    }
    return used.map((label, i) => ({ label, tp: tp[i]!, predicted: predicted[i]!, support: support[i]!,
        ...prf(tp[i]!, predicted[i]!, support[i]!) }));
}

export type F1Average = "macro" | "weighted" | "micro";

export function classF1(golds: readonly string[], preds: readonly string[],
    { average, labels }: { average: F1Average; labels?: readonly string[] }): number {
    const counts = labelCounts(golds, preds, labels);
    if (counts.length === 0) {
        return 0;
    }
    if (average === "micro") {
        let tp = 0; let predicted = 0; let support = 0;
        for (const c of counts) {
            tp += c.tp; predicted += c.predicted; support += c.support;
        }
        return prf(tp, predicted, support).f1;
    }
    if (average === "macro") {
        return counts.reduce((s, c) => s + c.f1, 0) / counts.length;
    }
    const total = counts.reduce((s, c) => s + c.support, 0);
    return total > 0 ? counts.reduce((s, c) => s + c.f1 * c.support, 0) / total : 0;
}
