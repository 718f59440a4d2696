/**
 * Cleaning and Gopher/C4-style quality rules. `cleanText` normalises (Unicode NFC or NFKC, line endings, runs of
 * blank lines, trailing spaces, boilerplate lines); `qualityReason` returns why a document is dropped, or null.
 * Every threshold is an option; the defaults are Gopher's (Rae et al. 2021) where it has one.
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
}

export const DEFAULT_QUALITY: QualityOptions = {
    normalization: "NFC", minWords: 20, maxWords: 100_000, minMeanWordLength: 2, maxMeanWordLength: 12,
    maxSymbolRatio: 0.1, maxBulletLines: 0.9, maxEllipsisLines: 0.3, minAlphaWords: 0.6, maxDuplicateLineChars: 0.3,
};

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
