/**
 * Extractive-QA exact match and token F1, in Me-LLaMA's form (vital_measure.py NormQA) and SQuAD's.
 *
 * Paper: lowercase; drop punctuation with `" ".join(ch for ch in text if ch not in string.punctuation)` — which
 * puts a space between EVERY remaining character, so "tokens" are single characters; collapse whitespace. F1
 * counts the SET of common tokens over the token-list lengths (repeats are not matched), and exact match
 * compares the spaced strings, so "ab" equals "a b".
 * Strict (SQuAD v1.1 evaluate script): lowercase, delete punctuation, delete the articles a/an/the, collapse
 * whitespace; F1 over the multiset (Counter) of common word tokens.
 * Both: if either side has no tokens, F1 is 1 when both have none, else 0.
 */
import { pySplit } from "../parsers/pyText.js";

// Python's string.punctuation. (SQuAD's \b is Unicode-aware in Python 3, hence the \p{L}\p{N}_ lookarounds.)
const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

export { pySplit };

export function paperNormalize(text: string): string {
    const kept = [...text.toLowerCase()].filter((ch) => !PUNCTUATION.has(ch));
    return pySplit(kept.join(" ")).join(" ");
}

export function squadNormalize(text: string): string {
    const noPunct = [...text.toLowerCase()].filter((ch) => !PUNCTUATION.has(ch)).join("");
    return pySplit(noPunct.replace(/(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu, " ")).join(" ");
}

export function paperSetF1(prediction: string, truth: string): number {
    const pred = pySplit(prediction);
    const gold = pySplit(truth);
    if (pred.length === 0 || gold.length === 0) {
        return pred.length === gold.length ? 1 : 0;
    }
    const goldSet = new Set(gold);
    let common = 0;
    for (const token of new Set(pred)) {
        common += goldSet.has(token) ? 1 : 0;
    }
    if (common === 0) {
        return 0;
    }
    const precision = common / pred.length;
    const recall = common / gold.length;
    return (2 * precision * recall) / (precision + recall);
}

export function squadF1(prediction: string, truth: string): number {
    const pred = pySplit(prediction);
    const gold = pySplit(truth);
    if (pred.length === 0 || gold.length === 0) {
        return pred.length === gold.length ? 1 : 0;
    }
    const counts = new Map<string, number>();
    for (const token of gold) {
        counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    let common = 0;
    for (const token of pred) {
        const left = counts.get(token) ?? 0;
        if (left > 0) {
            common++;
            counts.set(token, left - 1);
        }
    }
    if (common === 0) {
        return 0;
    }
    const precision = common / pred.length;
    const recall = common / gold.length;
    return (2 * precision * recall) / (precision + recall);
}

export interface QaScores {
    acc: number;
    f1: number;
}

export function paperQaScores(output: string, answer: string): QaScores {
    const pred = paperNormalize(output);
    const gold = paperNormalize(answer);
    return { acc: pred === gold ? 1 : 0, f1: paperSetF1(pred, gold) };
}

export function squadQaScores(output: string, answer: string): QaScores {
    const pred = squadNormalize(output);
    const gold = squadNormalize(answer);
    return { acc: pred === gold ? 1 : 0, f1: squadF1(pred, gold) };
}
