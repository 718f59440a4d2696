/**
 * Cleaning and Gopher/C4-style quality rules. `cleanText` normalises (Unicode NFC or NFKC, line endings, runs of
 * blank lines, trailing spaces, boilerplate lines); `qualityReason` returns why a document is dropped, or null.
 * Every threshold is an option; the defaults are Gopher's (Rae et al. 2021) where it has one.
 *
 * Both run on every document read, so they scan characters instead of splitting into word arrays and running a
 * regex per word (that was most of the document stage); the results are those of the plain definitions, which
 * test/corpus/qualityFast.test.ts keeps as its oracle: words are `text.split(/\s+/)`, letters are `/\p{L}/u`.
 */
import { LETTER, SPACE } from "./charClasses.js";

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

const STOP_WORDS = ["the", "be", "to", "of", "and", "that", "have", "with"];

const BOILERPLATE = [/^\s*(copyright|©|all rights reserved)/i, /^\s*(cookie|privacy) policy/i, /^\s*click here/i, /^\s*page \d+ of \d+\s*$/i];
/**
 * The four rules as one multiline scan of the whole text. It matches wherever some line does (and a little more:
 * "^" and "$" also meet "\u2028"), so only texts it matches take the line-by-line filter.
 */
const ANY_BOILERPLATE = /^\s*(?:copyright|©|all rights reserved|(?:cookie|privacy) policy|click here|page \d+ of \d+\s*$)/im;

const astralLetter = new Map<number, boolean>();
function isAstralLetter(cp: number): boolean {
    let v = astralLetter.get(cp);
    if (v === undefined) {
        v = /\p{L}/u.test(String.fromCodePoint(cp));
        astralLetter.set(cp, v);
    }
    return v;
}

/** A stop word's ASCII codes packed into one integer (at most 4 letters), for the per-word check. */
const pack = (w: string): number => {
    let h = 0;
    for (let i = 0; i < w.length; i++) {
        h = (h << 8) | w.charCodeAt(i);
    }
    return h;
};
const STOP_CODES = STOP_WORDS.map(pack);

export function cleanText(text: string, normalization: "NFC" | "NFKC"): string {
    let s = text.normalize(normalization);
    if (s.includes("\r")) {
        s = s.replace(/\r\n?/g, "\n");
    }
    if (ANY_BOILERPLATE.test(s)) {
        s = s.split("\n").filter((line) => !BOILERPLATE.some((re) => re.test(line))).join("\n");
    }
    // Trailing spaces and tabs of every line ("$" without the m flag is only the end of the text).
    return s.replace(/[ \t]+(?=\n|$)/g, "").replace(/\n{3,}/g, "\n\n").trim();
}

/** Word statistics from one pass over the text. */
interface WordScan {
    words: number;
    /** Sum of word lengths (UTF-16 units). */
    chars: number;
    alphaWords: number;
    /** "#" plus non-overlapping "..." or "…". */
    symbols: number;
    /** Distinct stop words seen (bit per STOP_WORDS entry). */
    stopMask: number;
}

/** Word boundaries of the last scan, [start, end) in UTF-16 units (reused across documents). */
let wordStart = new Int32Array(4096);
let wordEnd = new Int32Array(4096);

function scanWords(text: string): WordScan {
    let words = 0;
    let chars = 0;
    let alphaWords = 0;
    let symbols = 0;
    let stopMask = 0;
    const n = text.length;
    let i = 0;
    while (i < n) {
        let c = text.charCodeAt(i);
        if (SPACE[c] === 1) {
            i++;
            continue;
        }
        // A word: the run of non-space units from i.
        const start = i;
        let letter = false;
        let ascii = true;
        let packed = 0;
        for (; i < n; i++) {
            c = text.charCodeAt(i);
            if (SPACE[c] === 1) {
                break;
            }
            if (c < 128) {
                if (c === 35) {
                    symbols++;
                } else if (c === 46 && i + 2 < n && text.charCodeAt(i + 1) === 46 && text.charCodeAt(i + 2) === 46) {
                    symbols++;
                    i += 2;
                    packed = -1;
                    continue;
                }
                const lower = c | 0x20;
                if (lower >= 97 && lower <= 122) {
                    letter = true;
                    packed = (packed << 8) | lower;
                } else {
                    packed = -1;
                }
            } else {
                ascii = false;
                if (c === 0x2026) {
                    symbols++;
                } else if (!letter) {
                    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
                        const d = text.charCodeAt(i + 1);
                        if (d >= 0xdc00 && d <= 0xdfff && isAstralLetter((c - 0xd800) * 0x400 + d - 0xdc00 + 0x10000)) {
                            letter = true;
                        }
                    } else if (LETTER[c] === 1) {
                        letter = true;
                    }
                }
            }
        }
        const len = i - start;
        if (words === wordStart.length) {
            const grownStart = new Int32Array(words * 2);
            grownStart.set(wordStart);
            wordStart = grownStart;
            const grownEnd = new Int32Array(words * 2);
            grownEnd.set(wordEnd);
            wordEnd = grownEnd;
        }
        wordStart[words] = start;
        wordEnd[words] = i;
        words++;
        chars += len;
        if (letter) {
            alphaWords++;
        }
        if (len >= 2 && len <= 8) {
            if (ascii) {
                if (packed > 0 && len <= 4) {
                    const k = STOP_CODES.indexOf(packed);
                    if (k >= 0) {
                        stopMask |= 1 << k;
                    }
                }
            } else {
                // toLowerCase of a non-ASCII word may still spell a stop word (no case here, but the definition says so).
                const k = STOP_WORDS.indexOf(text.slice(start, i).toLowerCase());
                if (k >= 0) {
                    stopMask |= 1 << k;
                }
            }
        }
    }
    return { words, chars, alphaWords, symbols, stopMask };
}

export function qualityReason(text: string, o: QualityOptions): string | null {
    const { words, chars, alphaWords, symbols, stopMask } = scanWords(text);
    if (words < o.minWords) {
        return "too_few_words";
    }
    if (words > o.maxWords) {
        return "too_many_words";
    }
    const mean = chars / words;
    if (mean < o.minMeanWordLength || mean > o.maxMeanWordLength) {
        return "mean_word_length";
    }
    if (symbols / words > o.maxSymbolRatio) {
        return "symbol_ratio";
    }
    if (alphaWords / words < o.minAlphaWords) {
        return "alpha_words";
    }
    if (o.minStopWords > 0) {
        let found = 0;
        for (let m = stopMask; m !== 0; m &= m - 1) {
            found++;
        }
        if (found < o.minStopWords) {
            return "stop_words";
        }
    }
    if (words >= 4 && topBigramChars(text, words) / Math.max(1, chars) > o.maxTopBigramChars) {
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

/**
 * Gopher's top-2-gram rule over the words of the last scan: the largest count x characters of a lowercased word
 * bigram seen at least twice (a bigram seen once is not repetition; short documents would otherwise trip the rule).
 * Words are numbered by their lowercased spelling, so a bigram is a pair of numbers rather than a joined string.
 */
function topBigramChars(text: string, words: number): number {
    const byRaw = new Map<string, number>();
    const byLower = new Map<string, number>();
    const lowerLength: number[] = [];
    const ids = new Int32Array(words);
    for (let w = 0; w < words; w++) {
        const raw = text.slice(wordStart[w]!, wordEnd[w]!);
        let id = byRaw.get(raw);
        if (id === undefined) {
            const lower = raw.toLowerCase();
            id = byLower.get(lower);
            if (id === undefined) {
                id = lowerLength.length;
                lowerLength.push(lower.length);
                byLower.set(lower, id);
            }
            byRaw.set(raw, id);
        }
        ids[w] = id;
    }
    // a * distinct + b numbers each pair exactly (distinct² < 2^53 for any document under maxWords limits).
    const distinct = lowerLength.length;
    const counts = new Map<number, number>();
    let best = 0;
    for (let w = 1; w < words; w++) {
        const a = ids[w - 1]!;
        const b = ids[w]!;
        const key = a * distinct + b;
        const c = (counts.get(key) ?? 0) + 1;
        counts.set(key, c);
        if (c >= 2) {
            best = Math.max(best, c * (lowerLength[a]! + lowerLength[b]!));
        }
    }
    return best;
}
