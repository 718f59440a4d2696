/**
 * ROUGE-1, ROUGE-2 and ROUGE-L as Google's rouge-score package computes them with its defaults (the ones HF
 * `evaluate`'s "rouge" metric uses, and so Me-LLaMA):
 * - tokenizer: lowercase, every run of characters outside [a-z0-9] becomes a space, split on whitespace, keep
 *   tokens matching ^[a-z0-9]+$ (so accented letters and non-Latin scripts vanish); no stemming;
 * - ROUGE-N: clipped n-gram overlap; precision = overlap / max(#pred n-grams, 1),
 *   recall = overlap / max(#ref n-grams, 1);
 * - ROUGE-L: sentence-level LCS over the whole token lists; an empty side scores 0;
 * - ROUGE-Lsum: summary-level LCS (ROUGE paper section 3.2) over sentences split on "\n" (empty lines dropped):
 *   for each reference sentence, the union of the positions of one LCS against each candidate sentence, counted
 *   while both texts' token budgets last (rouge-score's guard against counting a token twice). Which LCS is taken
 *   matters: rouge-score reads it back from the end, stepping left only when the left cell beats the upper one;
 * - F = 2PR / (P + R), 0 when P + R = 0.
 * Option: `useStemmer` (rouge-score's use_stemmer; Me-LLaMA runs without it) stems tokens longer than 3 characters
 * with NLTK's Porter stemmer (porterStem.ts). Not here: the BootstrapAggregator: evaluate reports the
 * median of 1000 unseeded bootstrap means, which this toolkit replaces by the plain mean (tasks document it).
 */
import { porterStem } from "./porterStem.js";

export interface RougeScore {
    precision: number;
    recall: number;
    fmeasure: number;
}

export interface RougeScores {
    rouge1: RougeScore;
    rouge2: RougeScore;
    rougeL: RougeScore;
    rougeLsum: RougeScore;
}

export interface RougeOptions {
    /** rouge-score's use_stemmer: NLTK's Porter stemmer on tokens longer than 3 characters (Me-LLaMA: off). */
    useStemmer?: boolean;
}

export function rougeTokenize(text: string, { useStemmer = false }: RougeOptions = {}): string[] {
    const tokens = text.toLowerCase().replace(/[^a-z0-9]+/g, " ").split(/\s+/);
    const stemmed = useStemmer ? tokens.map((t) => (t.length > 3 ? porterStem(t) : t)) : tokens;
    return stemmed.filter((t) => /^[a-z0-9]+$/.test(t));
}

function fmeasure(precision: number, recall: number): number {
    return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
        // \u0001 cannot occur inside a token (tokens are [a-z0-9]+), so joined n-grams are unambiguous.
        const key = n === 1 ? tokens[i]! : n === 2 ? `${tokens[i]!}\u0001${tokens[i + 1]!}` : tokens.slice(i, i + n).join("\u0001");
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
}

export function rougeN(target: readonly string[], prediction: readonly string[], n: number): RougeScore {
    const t = ngramCounts(target, n);
    const p = ngramCounts(prediction, n);
    let overlap = 0;
    for (const [gram, count] of t) {
        overlap += Math.min(count, p.get(gram) ?? 0);
    }
    const tCount = Math.max(0, target.length - n + 1);
    const pCount = Math.max(0, prediction.length - n + 1);
    const precision = overlap / Math.max(pCount, 1);
    const recall = overlap / Math.max(tCount, 1);
    return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** Length of the longest common subsequence, O(|a|·|b|) time and O(|b|) memory; tokens become integer ids first. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
    const ids = new Map<string, number>();
    const toIds = (tokens: readonly string[]): Int32Array => Int32Array.from(tokens, (t) => {
        let id = ids.get(t);
        if (id === undefined) {
            id = ids.size;
            ids.set(t, id);
        }
        return id;
    });
    const x = toIds(a);
    const y = toIds(b);
    let prev = new Uint32Array(y.length + 1);
    let curr = new Uint32Array(y.length + 1);
    for (let i = 1; i <= x.length; i++) {
        const xi = x[i - 1]!;
        for (let j = 1; j <= y.length; j++) {
            const up = prev[j]!;
            const left = curr[j - 1]!;
            curr[j] = xi === y[j - 1]! ? prev[j - 1]! + 1 : up > left ? up : left;
        }
        [prev, curr] = [curr, prev];
    }
    return prev[y.length]!;
}

export function rougeL(target: readonly string[], prediction: readonly string[]): RougeScore {
    if (target.length === 0 || prediction.length === 0) {
        return { precision: 0, recall: 0, fmeasure: 0 };
    }
    const lcs = lcsLength(target, prediction);
    const precision = lcs / prediction.length;
    const recall = lcs / target.length;
    return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/**
 * Positions in `ref` of one longest common subsequence with `can`, ascending: the one rouge-score picks, read back
 * from the end of the DP table (a match steps diagonally; else left when the left cell is strictly larger than
 * the upper one, otherwise up).
 */
export function lcsPositions(ref: readonly string[], can: readonly string[]): number[] {
    const cols = can.length + 1;
    const table = new Uint32Array((ref.length + 1) * cols);
    for (let i = 1; i <= ref.length; i++) {
        for (let j = 1; j <= can.length; j++) {
            table[i * cols + j] = ref[i - 1] === can[j - 1]
                ? table[(i - 1) * cols + j - 1]! + 1
                : Math.max(table[(i - 1) * cols + j]!, table[i * cols + j - 1]!);
        }
    }
    const positions: number[] = [];
    let i = ref.length;
    let j = can.length;
    while (i > 0 && j > 0) {
        if (ref[i - 1] === can[j - 1]) {
            positions.push(i - 1);
            i--;
            j--;
        } else if (table[i * cols + j - 1]! > table[(i - 1) * cols + j]!) {
            j--;
        } else {
            i--;
        }
    }
    return positions.reverse();
}

function countTokens(sentences: readonly (readonly string[])[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const sentence of sentences) {
        for (const token of sentence) {
            counts.set(token, (counts.get(token) ?? 0) + 1);
        }
    }
    return counts;
}

/** ROUGE-Lsum of texts whose sentences are separated by "\n". */
export function rougeLsum(target: string, prediction: string, options: RougeOptions = {}): RougeScore {
    const sentences = (text: string): string[][] => text.split("\n").filter((s) => s.length > 0).map((s) => rougeTokenize(s, options));
    const refs = sentences(target);
    const cans = sentences(prediction);
    const m = refs.reduce((n, s) => n + s.length, 0);
    const n = cans.reduce((k, s) => k + s.length, 0);
    if (m === 0 || n === 0) {
        return { precision: 0, recall: 0, fmeasure: 0 };
    }
    const budgetRef = countTokens(refs);
    const budgetCan = countTokens(cans);
    let hits = 0;
    for (const ref of refs) {
        const union = new Set<number>();
        for (const can of cans) {
            lcsPositions(ref, can).forEach((p) => union.add(p));
        }
        for (const position of [...union].sort((a, b) => a - b)) {
            const token = ref[position]!;
            const r = budgetRef.get(token)!;
            const c = budgetCan.get(token) ?? 0;
            if (r > 0 && c > 0) {
                hits++;
                budgetRef.set(token, r - 1);
                budgetCan.set(token, c - 1);
            }
        }
    }
    const precision = hits / n;
    const recall = hits / m;
    return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer).score(target, prediction). */
export function rougeScores(target: string, prediction: string, options: RougeOptions = {}): RougeScores {
    const t = rougeTokenize(target, options);
    const p = rougeTokenize(prediction, options);
    return {
        rouge1: rougeN(t, p, 1), rouge2: rougeN(t, p, 2), rougeL: rougeL(t, p), rougeLsum: rougeLsum(target, prediction, options),
    };
}
