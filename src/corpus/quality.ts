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
    // Trailing spaces and tabs of every line (the last line's go with trim()). Each replace runs only when the
    // text has something for it: most texts have neither, and the two scans were a third of the cleaning time.
    if (s.includes(" \n") || s.includes("\t\n")) {
        s = s.replace(/[ \t]+(?=\n)/g, "");
    }
    if (s.includes("\n\n\n")) {
        s = s.replace(/\n{3,}/g, "\n\n");
    }
    return s.trim();
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
/** Per word of the last scan: FNV-1a of its ASCII-lowercased units when all are ASCII, else 0 (see wordAscii). */
let wordHash = new Int32Array(4096);
let wordAscii = new Uint8Array(4096);

function scanWords(text: string): WordScan {
    // Module bindings copied to locals: an imported binding is re-read (and hole-checked) on every use in the loop.
    const space = SPACE;
    const letterTable = LETTER;
    let words = 0;
    let chars = 0;
    let alphaWords = 0;
    let symbols = 0;
    let stopMask = 0;
    const n = text.length;
    let i = 0;
    while (i < n) {
        let c = text.charCodeAt(i);
        if (space[c] === 1) {
            i++;
            continue;
        }
        // A word: the run of non-space units from i.
        const start = i;
        let letter = false;
        let ascii = true;
        let packed = 0;
        let h = 0x811c9dc5 | 0;
        for (; i < n; i++) {
            c = text.charCodeAt(i);
            if (space[c] === 1) {
                break;
            }
            if (c < 128) {
                // The bigram rule's word hash, folded here rather than in a second pass over the text.
                h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 32 : c), 0x01000193);
                if (c === 35) {
                    symbols++;
                } else if (c === 46 && i + 2 < n && text.charCodeAt(i + 1) === 46 && text.charCodeAt(i + 2) === 46) {
                    symbols++;
                    // The two dots skipped here are still part of the word's spelling.
                    h = Math.imul(Math.imul(h ^ 46, 0x01000193) ^ 46, 0x01000193);
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
                    } else if (letterTable[c] === 1) {
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
            const grownHash = new Int32Array(words * 2);
            grownHash.set(wordHash);
            wordHash = grownHash;
            const grownAscii = new Uint8Array(words * 2);
            grownAscii.set(wordAscii);
            wordAscii = grownAscii;
        }
        wordStart[words] = start;
        wordEnd[words] = i;
        wordHash[words] = ascii ? h : 0;
        wordAscii[words] = ascii ? 1 : 0;
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
    if (words >= 4 && bigramCharsBound(text, words) / Math.max(1, chars) > o.maxTopBigramChars
        && topBigramChars(text, words) / Math.max(1, chars) > o.maxTopBigramChars) {
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
 * An upper bound of topBigramChars from the word hashes of the scan, with no word interned and no spelling
 * compared: pairs are counted by a 32-bit key of their two word hashes, so pairs whose keys collide share one
 * count, scored with the longest spelling among them. A merged count is at least each member's count, so the bound
 * is never below the true value; when it is within the threshold the exact count is not needed (nearly always:
 * collisions are rare and real text repeats no bigram that much). Non-ASCII words hash their toLowerCase().
 */
function bigramCharsBound(text: string, words: number): number {
    // topBigramChars's pair table, as (key, longest spelling, count): that function resets it before its own use.
    const mask = reserveBigramScratch(words);
    const boundKey = pairA;
    const boundLen = pairB;
    const boundCount = pairCount;
    let best = 0;
    let prevHash = 0;
    let prevLen = 0;
    for (let w = 0; w < words; w++) {
        let h = wordHash[w]!;
        let len = wordEnd[w]! - wordStart[w]!;
        if (wordAscii[w] === 0) {
            const lower = text.slice(wordStart[w]!, wordEnd[w]!).toLowerCase();
            h = 0x811c9dc5 | 0;
            for (let i = 0; i < lower.length; i++) {
                h = Math.imul(h ^ lower.charCodeAt(i), 0x01000193);
            }
            len = lower.length;
        }
        if (w > 0) {
            let key = Math.imul(prevHash, 0x9e3779b1) ^ h;
            key ^= key >>> 16;
            key = Math.imul(key, 0x85ebca6b);
            key ^= key >>> 13;
            let slot = key & mask;
            while (boundCount[slot] !== 0 && boundKey[slot] !== key) {
                slot = (slot + 1) & mask;
            }
            const pairLen = prevLen + len;
            if (boundCount[slot] === 0) {
                boundKey[slot] = key;
                boundLen[slot] = pairLen;
            } else if (pairLen > boundLen[slot]!) {
                boundLen[slot] = pairLen;
            }
            const c = ++boundCount[slot]!;
            if (c >= 2) {
                best = Math.max(best, c * boundLen[slot]!);
            }
        }
        prevHash = h;
        prevLen = len;
    }
    return best;
}

/** Scratch for topBigramChars, grown to the longest document seen: word numbers, spellings, pair counts. */
let wordId: Int32Array = new Int32Array(1024);
let spellSlots: Int32Array = new Int32Array(2048);
let spellText: string[] = [];
let spellStart: Int32Array = new Int32Array(1024);
let spellLength: Int32Array = new Int32Array(1024);
let spellHash: Int32Array = new Int32Array(1024);
let pairA: Int32Array = new Int32Array(2048);
let pairB: Int32Array = new Int32Array(2048);
let pairCount: Int32Array = new Int32Array(2048);

function reserveBigramScratch(words: number): number {
    let size = spellSlots.length;
    while (size < 2 * words) {
        size *= 2;
    }
    if (size !== spellSlots.length) {
        spellSlots = new Int32Array(size);
        pairA = new Int32Array(size);
        pairB = new Int32Array(size);
        pairCount = new Int32Array(size);
        wordId = new Int32Array(size >> 1);
        spellStart = new Int32Array(size >> 1);
        spellLength = new Int32Array(size >> 1);
        spellHash = new Int32Array(size >> 1);
    }
    spellSlots.fill(0);
    pairCount.fill(0);
    return size - 1;
}

/** Whether a[as, as + n) and b[bs, bs + n) are equal ASCII text once A-Z are lowercased. */
function foldEqual(a: string, as: number, b: string, bs: number, n: number): boolean {
    for (let i = 0; i < n; i++) {
        let x = a.charCodeAt(as + i);
        let y = b.charCodeAt(bs + i);
        if (x >= 65 && x <= 90) {
            x |= 32;
        }
        if (y >= 65 && y <= 90) {
            y |= 32;
        }
        if (x !== y) {
            return false;
        }
    }
    return true;
}

/**
 * Gopher's top-2-gram rule over the words of the last scan: the largest count x characters of a lowercased word
 * bigram seen at least twice (a bigram seen once is not repetition; short documents would otherwise trip the rule).
 * Words are numbered by their lowercased spelling and pairs counted in open-addressing tables, with no string per
 * word: an ASCII word's lowercase is its letters folded, compared in place against the first word so spelled.
 * Other words take toLowerCase() (ASCII results join the ASCII spellings; the rest are kept in a Map).
 */
function topBigramChars(text: string, words: number): number {
    const mask = reserveBigramScratch(words);
    spellText = [];
    let distinct = 0;
    let other: Map<string, number> | undefined;
    const intern = (str: string, start: number, len: number, h: number): number => {
        let slot = h & mask;
        for (let e = spellSlots[slot]!; e !== 0; slot = (slot + 1) & mask, e = spellSlots[slot]!) {
            const id = e - 1;
            if (spellHash[id] === h && spellLength[id] === len && foldEqual(spellText[id]!, spellStart[id]!, str, start, len)) {
                return id;
            }
        }
        const id = distinct++;
        spellSlots[slot] = id + 1;
        spellText[id] = str;
        spellStart[id] = start;
        spellLength[id] = len;
        spellHash[id] = h;
        return id;
    };
    for (let w = 0; w < words; w++) {
        const start = wordStart[w]!;
        const end = wordEnd[w]!;
        let h = 0x811c9dc5 | 0;
        let p = start;
        for (; p < end; p++) {
            let c = text.charCodeAt(p);
            if (c >= 128) {
                break;
            }
            if (c >= 65 && c <= 90) {
                c |= 32;
            }
            h = Math.imul(h ^ c, 0x01000193);
        }
        if (p === end) {
            wordId[w] = intern(text, start, end - start, h);
            continue;
        }
        const lower = text.slice(start, end).toLowerCase();
        h = 0x811c9dc5 | 0;
        let i = 0;
        for (; i < lower.length && lower.charCodeAt(i) < 128; i++) {
            h = Math.imul(h ^ lower.charCodeAt(i), 0x01000193);
        }
        if (i === lower.length) {
            wordId[w] = intern(lower, 0, lower.length, h);
            continue;
        }
        other ??= new Map();
        let id = other.get(lower);
        if (id === undefined) {
            id = distinct++;
            other.set(lower, id);
            spellText[id] = "";
            spellLength[id] = lower.length;
            spellHash[id] = 0;
        }
        wordId[w] = id;
    }
    let best = 0;
    for (let w = 1; w < words; w++) {
        const a = wordId[w - 1]!;
        const b = wordId[w]!;
        let slot = (Math.imul(a, 0x9e3779b1) ^ b) & mask;
        while (pairCount[slot] !== 0 && (pairA[slot] !== a || pairB[slot] !== b)) {
            slot = (slot + 1) & mask;
        }
        pairA[slot] = a;
        pairB[slot] = b;
        const c = ++pairCount[slot]!;
        if (c >= 2) {
            best = Math.max(best, c * (spellLength[a]! + spellLength[b]!));
        }
    }
    return best;
}
