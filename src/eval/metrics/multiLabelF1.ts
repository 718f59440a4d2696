/**
 * F1 over 0/1 label vectors (HoC). `binaryF1` is sklearn's average="binary" (pos_label=1) for one label column;
 * `multiLabelMacroF1` is sklearn's average="macro" over N×L indicator matrices: the per-column binary F1s, each
 * 0 when the column has no positives on either side (scikit-learn 1.2.1's zero_division="warn"), averaged.
 * Me-LLaMA calls f1_score(preds, golds, average="macro") — arguments swapped. F1 is symmetric in (P, R), and
 * with 0/0 mapped to 0 on both sides the swap changes nothing; the paper mode keeps the call order anyway.
 */
import { prf } from "./classF1.js";

export function binaryCounts(golds: readonly number[], preds: readonly number[]): { tp: number; predicted: number; support: number } {
    let tp = 0; let predicted = 0; let support = 0;
    for (let i = 0; i < golds.length; i++) {
        const g = golds[i] === 1;
        const p = preds[i] === 1;
        support += g ? 1 : 0;
        predicted += p ? 1 : 0;
        tp += g && p ? 1 : 0;
    }
    return { tp, predicted, support };
}

export function binaryF1(golds: readonly number[], preds: readonly number[]): number {
    const { tp, predicted, support } = binaryCounts(golds, preds);
    return prf(tp, predicted, support).f1;
}

function column(rows: readonly (readonly number[])[], j: number): number[] {
    return rows.map((row) => row[j] ?? 0);
}

/** Per-column F1s; `skipEmpty` leaves out columns with no positives in gold or prediction (strict scoring). */
export function multiLabelF1s(yTrue: readonly (readonly number[])[], yPred: readonly (readonly number[])[], width: number): { f1: number; empty: boolean }[] {
    const out: { f1: number; empty: boolean }[] = [];
    for (let j = 0; j < width; j++) {
        const t = column(yTrue, j);
        const p = column(yPred, j);
        const { tp, predicted, support } = binaryCounts(t, p);
        out.push({ f1: prf(tp, predicted, support).f1, empty: predicted === 0 && support === 0 });
    }
    return out;
}

export function multiLabelMacroF1(yTrue: readonly (readonly number[])[], yPred: readonly (readonly number[])[], width: number,
    { skipEmpty = false }: { skipEmpty?: boolean } = {}): number {
    const f1s = multiLabelF1s(yTrue, yPred, width).filter((c) => !(skipEmpty && c.empty));
    if (f1s.length === 0) {
        return skipEmpty ? 1 : 0;
    }
    return f1s.reduce((s, c) => s + c.f1, 0) / f1s.length;
}
