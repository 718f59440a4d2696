/**
 * Trains a SentencePiece-compatible BPE tokenizer from text, LLaMA-2 style: words are whitespace-split with the
 * "▁" prefix (digits split one by one when splitDigits), characters covering `characterCoverage` of the text are
 * kept (rarer ones fall back to bytes), and the most frequent adjacent pair is merged until the vocabulary is
 * full. The vocabulary is laid out as sentencepiece lays it out: <unk>, <s>, </s>, the 256 byte pieces, the
 * merged pieces with score -i, then the characters. Pair counts are updated incrementally (only the words that
 * hold the merged pair are revisited), with a lazy max-heap to find the best pair.
 */
import { ConfigError } from "../errors/MellamaError.js";
import type { SentencePieceModel } from "./sentencepieceModel.js";
import { type Piece, PieceType } from "./Tokenizer.js";

const SPACE = "\u2581";

export interface TrainBpeOptions {
    vocabSize: number;
    characterCoverage?: number;
    splitDigits?: boolean;
    byteFallback?: boolean;
    /** Longest piece in characters (sentencepiece's max_sentencepiece_length). */
    maxPieceLength?: number;
    userDefinedSymbols?: readonly string[];
}

function words(text: string, splitDigits: boolean, counts: Map<string, number>): void {
    for (const raw of text.split(/[ \t\r\n\f\v]+/)) {
        if (raw.length === 0) {
            continue;
        }
        const parts = splitDigits ? raw.split(/(?=\d)|(?<=\d)/) : [raw];
        parts.forEach((part, i) => {
            const w = i === 0 ? SPACE + part : part;
            counts.set(w, (counts.get(w) ?? 0) + 1);
        });
    }
}

export function trainBpe(texts: Iterable<string>, { vocabSize, characterCoverage = 0.9995, splitDigits = true, byteFallback = true,
    maxPieceLength = 16, userDefinedSymbols = [] }: TrainBpeOptions): SentencePieceModel {
    const meta: Piece[] = [
        { piece: "<unk>", score: 0, type: PieceType.UNKNOWN },
        { piece: "<s>", score: 0, type: PieceType.CONTROL },
        { piece: "</s>", score: 0, type: PieceType.CONTROL },
        ...userDefinedSymbols.map((piece) => ({ piece, score: 0, type: PieceType.USER_DEFINED })),
    ];
    if (byteFallback) {
        for (let b = 0; b < 256; b++) {
            meta.push({ piece: `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`, score: 0, type: PieceType.BYTE });
        }
    }
    const wordCounts = new Map<string, number>();
    for (const t of texts) {
        words(t, splitDigits, wordCounts);
    }
    // Character coverage: keep the most frequent characters covering the requested share of all characters.
    const charCounts = new Map<string, number>();
    let totalChars = 0;
    for (const [w, c] of wordCounts) {
        for (const ch of w) {
            charCounts.set(ch, (charCounts.get(ch) ?? 0) + c);
            totalChars += c;
        }
    }
    const chars = [...charCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const kept: string[] = [];
    let covered = 0;
    for (const [ch, c] of chars) {
        if (kept.length > 0 && covered / totalChars >= characterCoverage) {
            break;
        }
        kept.push(ch);
        covered += c;
    }
    const keptSet = new Set(kept);
    const merges = vocabSize - meta.length - kept.length;
    if (merges < 0) {
        throw new ConfigError("vocabSize", `${vocabSize} is smaller than the ${meta.length + kept.length} special, byte and character pieces`);
    }

    // Words as symbol arrays; a character outside the kept set breaks pairs (it can never be merged).
    const wordSyms: string[][] = [];
    const wordFreq: number[] = [];
    for (const [w, c] of wordCounts) {
        wordSyms.push([...w]);
        wordFreq.push(c);
    }
    const pairCount = new Map<string, number>();
    const pairWords = new Map<string, Set<number>>();
    const key = (a: string, b: string): string => `${a}\u0000${b}`;
    const changed = new Set<string>();
    const addPairs = (wi: number, sign: number): void => {
        const s = wordSyms[wi]!;
        for (let i = 0; i + 1 < s.length; i++) {
            if (!keptSet.has(s[i]!) && [...s[i]!].length === 1) {
                continue;
            }
            if (!keptSet.has(s[i + 1]!) && [...s[i + 1]!].length === 1) {
                continue;
            }
            if ([...s[i]!].length + [...s[i + 1]!].length > maxPieceLength) {
                continue;
            }
            const k = key(s[i]!, s[i + 1]!);
            pairCount.set(k, (pairCount.get(k) ?? 0) + sign * wordFreq[wi]!);
            changed.add(k);
            if (sign > 0) {
                let set = pairWords.get(k);
                if (set === undefined) {
                    set = new Set();
                    pairWords.set(k, set);
                }
                set.add(wi);
            }
        }
    };
    for (let wi = 0; wi < wordSyms.length; wi++) {
        addPairs(wi, 1);
    }
    changed.clear();
    // Lazy max-heap of [count, key]; stale entries are skipped when their count no longer matches.
    const heap: [number, string][] = [];
    const better = (a: [number, string], b: [number, string]): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
    const heapPush = (e: [number, string]): void => {
        heap.push(e);
        let i = heap.length - 1;
        while (i > 0 && better(heap[i]!, heap[(i - 1) >> 1]!)) {
            [heap[i], heap[(i - 1) >> 1]] = [heap[(i - 1) >> 1]!, heap[i]!];
            i = (i - 1) >> 1;
        }
    };
    const heapPop = (): [number, string] | undefined => {
        const top = heap[0];
        const last = heap.pop();
        if (heap.length > 0 && last !== undefined) {
            heap[0] = last;
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                const r = l + 1;
                let m = i;
                if (l < heap.length && better(heap[l]!, heap[m]!)) {
                    m = l;
                }
                if (r < heap.length && better(heap[r]!, heap[m]!)) {
                    m = r;
                }
                if (m === i) {
                    break;
                }
                [heap[i], heap[m]] = [heap[m]!, heap[i]!];
                i = m;
            }
        }
        return top;
    };
    for (const [k, c] of pairCount) {
        heapPush([c, k]);
    }
    const merged: Piece[] = [];
    const seen = new Set([...meta.map((p) => p.piece), ...kept]);
    while (merged.length < merges) {
        const top = heapPop();
        if (top === undefined) {
            break;
        }
        const [count, k] = top;
        if (pairCount.get(k) !== count || count <= 0) {
            continue;
        }
        const [a, b] = k.split("\u0000") as [string, string];
        const piece = a + b;
        const touched = [...(pairWords.get(k) ?? [])];
        for (const wi of touched) {
            addPairs(wi, -1);
            const s = wordSyms[wi]!;
            const out: string[] = [];
            for (let i = 0; i < s.length; i++) {
                if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
                    out.push(piece);
                    i++;
                } else {
                    out.push(s[i]!);
                }
            }
            wordSyms[wi] = out;
            addPairs(wi, 1);
        }
        // Every pair whose count moved gets a fresh heap entry; the old ones go stale and are skipped.
        changed.delete(k);
        for (const nk of changed) {
            const c = pairCount.get(nk)!;
            if (c > 0) {
                heapPush([c, nk]);
            } else {
                pairCount.delete(nk);
            }
        }
        changed.clear();
        pairCount.delete(k);
        if (!seen.has(piece)) {
            seen.add(piece);
            merged.push({ piece, score: -merged.length, type: PieceType.NORMAL });
        }
    }
    const pieces = [...meta, ...merged, ...kept.map((piece, i) => ({ piece, score: -(merged.length + i), type: PieceType.NORMAL }))];
    return {
        pieces,
        trainer: { modelType: 2, vocabSize: pieces.length, byteFallback, splitDigits, unkId: 0, bosId: 1, eosId: 2, padId: -1, raw: [] },
        normalizer: { name: "identity", addDummyPrefix: true, removeExtraWhitespaces: false, escapeWhitespaces: true, hasCharsmap: false, raw: [] },
    };
}
