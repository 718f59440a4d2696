/**
 * Cleaning and Gopher/C4-style quality rules. `cleanText` normalises (Unicode NFC or NFKC, line endings, runs of
 * blank lines, trailing spaces, boilerplate lines); `qualityReason` returns why a document is dropped, or null.
 * Every threshold is an option; the defaults are Gopher's (Rae et al. 2021) where it has one.
 *
 * Test oracle: src/corpus/quality.ts as it was before it became a character scan, kept as the plain definitions
 * (split into words, a regex per word and per line) that the fast version must agree with exactly.
 */
export interface QualityOptions {
    normalization: "NFC" | "NFKC";
    minWords: number;
    maxWords: number;
    minMeanWordLength: number;
    maxMeanWordLength: number;
    /** Max share of "#" and "..." to words. */
    maxSymbolRatio: number;
    /** Max share of lines starting with a bullet. */
    maxBulletLines: number;
    /** Max share of lines ending with an ellipsis. */
    maxEllipsisLines: number;
    /** Min share of words containing a letter. */
    minAlphaWords: number;
    /** Max share of characters in duplicated lines. */
    maxDuplicateLineChars: number;
    /** Min count of distinct English stop words (Gopher: 2 of the, be, to, of, and, that, have, with); 0 turns it off. */
    minStopWords: number;
    /** Max share of word characters covered by the most frequent word bigram (Gopher: 0.20). */
    maxTopBigramChars: number;
}

export const DEFAULT_QUALITY: QualityOptions = {
    normalization: "NFC", minWords: 20, maxWords: 100_000, minMeanWordLength: 2, maxMeanWordLength: 12,
    maxSymbolRatio: 0.1, maxBulletLines: 0.9, maxEllipsisLines: 0.3, minAlphaWords: 0.6, maxDuplicateLineChars: 0.3,
    minStopWords: 2, maxTopBigramChars: 0.2,
};

const STOP_WORDS = new Set(["the", "be", "to", "of", "and", "that", "have", "with"]);

const BOILERPLATE = [/^\s*(copyright|©|all rights reserved)/i, /^\s*(cookie|privacy) policy/i, /^\s*click here/i, /^\s*page \d+ of \d+\s*$/i];

export function cleanText(text: string, normalization: "NFC" | "NFKC"): string {
    return text.normalize(normalization)
        .replace(/\r\n?/g, "\n")
        .split("\n")
        .filter((line) => !BOILERPLATE.some((re) => re.test(line)))
        .map((line) => line.replace(/[ \t]+$/, ""))
        .join("\n")
        .replace(/\n{3,}/g, "\n\n")
        .trim();
}

export function qualityReason(text: string, o: QualityOptions): string | null {
    const words = text.split(/\s+/).filter((w) => w.length > 0);
    if (words.length < o.minWords) {
        return "too_few_words";
    }
    if (words.length > o.maxWords) {
        return "too_many_words";
    }
    const mean = words.reduce((a, w) => a + w.length, 0) / words.length;
    if (mean < o.minMeanWordLength || mean > o.maxMeanWordLength) {
        return "mean_word_length";
    }
    const symbols = (text.match(/#/g)?.length ?? 0) + (text.match(/\.\.\.|…/g)?.length ?? 0);
    if (symbols / words.length > o.maxSymbolRatio) {
        return "symbol_ratio";
    }
    const alpha = words.filter((w) => /\p{L}/u.test(w)).length;
    if (alpha / words.length < o.minAlphaWords) {
        return "alpha_words";
    }
    if (o.minStopWords > 0) {
        const found = new Set<string>();
        for (const w of words) {
            const lw = w.toLowerCase();
            if (STOP_WORDS.has(lw)) {
                found.add(lw);
                if (found.size >= o.minStopWords) {
                    break;
                }
            }
        }
        if (found.size < o.minStopWords) {
            return "stop_words";
        }
    }
    if (words.length >= 4 && topBigramChars(words) > o.maxTopBigramChars) {
        return "repeated_ngrams";
    }
    const lines = text.split("\n").filter((l) => l.trim().length > 0);
    if (lines.length > 0) {
        if (lines.filter((l) => /^\s*[•●\-*–]\s/.test(l)).length / lines.length > o.maxBulletLines) {
            return "bullet_lines";
        }
        if (lines.filter((l) => /(\.\.\.|…)\s*$/.test(l)).length / lines.length > o.maxEllipsisLines) {
            return "ellipsis_lines";
        }
        const seen = new Set<string>();
        let dupChars = 0;
        for (const l of lines) {
            if (seen.has(l)) {
                dupChars += l.length;
            }
            seen.add(l);
        }
        if (dupChars / Math.max(1, text.length) > o.maxDuplicateLineChars) {
            return "duplicate_lines";
        }
    }
    return null;
}

/** Share of word characters inside occurrences of the most frequent word bigram (Gopher's top-2-gram rule). */
function topBigramChars(words: readonly string[]): number {
    const counts = new Map<string, number>();
    let total = 0;
    let best = 0;
    for (let i = 0; i < words.length; i++) {
        total += words[i]!.length;
        if (i > 0) {
            const key = `${words[i - 1]!.toLowerCase()} ${words[i]!.toLowerCase()}`;
            const c = (counts.get(key) ?? 0) + 1;
            counts.set(key, c);
            // A bigram seen once is not repetition (short documents would otherwise trip the rule).
            if (c >= 2) {
                best = Math.max(best, c * (key.length - 1));
            }
        }
    }
    return best / Math.max(1, total);
}
