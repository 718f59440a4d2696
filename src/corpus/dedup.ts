/**
 * Deduplication: exact (hash of the lowercased, whitespace-collapsed text) and near-duplicate MinHash-LSH over
 * word 5-gram shingles, `bands × rows` hash functions; two documents are candidates when one band matches,
 * which happens with probability 1 - (1 - J^rows)^bands for Jaccard similarity J (10 × 12 puts the 50 % point
 * near J = 0.82). Candidates are confirmed by their MinHash-estimated Jaccard ≥ threshold. Documents are
 * visited in a canonical order, so the first of a duplicate group is kept whatever the sharding.
 *
 * Shingles are hashed in place over the lowercased text (FNV-1a of the words joined by single spaces, as
 * `words.slice(i, i + k).join(" ")` would spell them) and each of the `bands × rows` minima is one tight loop of
 * 32-bit multiply-adds over the document's shingle hashes: no string per shingle, signatures in one flat array.
 */
import { createHash } from "node:crypto";
import { collapseWhitespace } from "./charClasses.js";

export interface DedupOptions {
    shingle: number;
    bands: number;
    rows: number;
    threshold: number;
    seed: number;
}

export const DEFAULT_DEDUP: DedupOptions = { shingle: 5, bands: 10, rows: 12, threshold: 0.8, seed: 7 };

/** SHA-1 of the lowercased, whitespace-collapsed text, as a 20-character binary string (a set key). */
export function exactKey(text: string): string {
    return createHash("sha1").update(collapseWhitespace(text.toLowerCase())).digest().toString("latin1");
}

/** `/\W+/u` splits words: a word is a run of these ASCII units. */
const WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
    WORD[c] = /\w/.test(String.fromCharCode(c)) ? 1 : 0;
}
/** Flips the sign bit so that signed int32 comparison orders values as unsigned (keeps the min loop in int32). */
const SIGN = 0x80000000 | 0;

/** Scratch space reused across documents: word bounds and shingle hashes. */
let wordStart: Int32Array = new Int32Array(4096);
let wordEnd: Int32Array = new Int32Array(4096);
let shingleHash: Int32Array = new Int32Array(4096);

export class MinHashLsh {
    private readonly o: DedupOptions;
    private readonly a: Uint32Array;
    private readonly b: Uint32Array;
    private readonly buckets: Map<number, number>[];
    /** Indexed documents' signatures back to back (one array: no object per document). */
    private signatures = new Uint32Array(0);
    private count = 0;

    public constructor(options: DedupOptions = DEFAULT_DEDUP) {
        this.o = options;
        const n = options.bands * options.rows;
        this.a = new Uint32Array(n);
        this.b = new Uint32Array(n);
        let x = options.seed >>> 0;
        const next = (): number => {
            x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
            return x;
        };
        for (let i = 0; i < n; i++) {
            this.a[i] = next() | 1;
            this.b[i] = next();
        }
        this.buckets = Array.from({ length: options.bands }, () => new Map<number, number>());
    }

    public signature(text: string): Uint32Array {
        const lower = text.toLowerCase();
        const len = lower.length;
        let words = 0;
        for (let i = 0; i < len;) {
            const c = lower.charCodeAt(i);
            if (c >= 128 || WORD[c] !== 1) {
                i++;
                continue;
            }
            const start = i;
            for (i++; i < len; i++) {
                const d = lower.charCodeAt(i);
                if (d >= 128 || WORD[d] !== 1) {
                    break;
                }
            }
            if (words === wordStart.length) {
                wordStart = grow(wordStart);
                wordEnd = grow(wordEnd);
            }
            wordStart[words] = start;
            wordEnd[words] = i;
            words++;
        }
        const k = this.o.shingle;
        const count = Math.max(1, words - k + 1);
        if (shingleHash.length < count) {
            shingleHash = new Int32Array(Math.max(count, shingleHash.length * 2));
        }
        for (let i = 0; i < count; i++) {
            let h = 0x811c9dc5 | 0;
            const last = Math.min(i + k, words);
            for (let w = i; w < last; w++) {
                if (w > i) {
                    h = Math.imul(h ^ 32, 0x01000193);
                }
                for (let p = wordStart[w]!, e = wordEnd[w]!; p < e; p++) {
                    h = Math.imul(h ^ lower.charCodeAt(p), 0x01000193);
                }
            }
            shingleHash[i] = h;
        }
        const n = this.a.length;
        const sig = new Uint32Array(n);
        const a = this.a;
        const b = this.b;
        const hashes = shingleHash;
        for (let j = 0; j < n; j++) {
            const aj = a[j]! | 0;
            const bj = b[j]! | 0;
            let min = 0x7fffffff;
            for (let i = 0; i < count; i++) {
                const v = (Math.imul(aj, hashes[i]!) + bj) ^ SIGN;
                if (v < min) {
                    min = v;
                }
            }
            sig[j] = (min ^ SIGN) >>> 0;
        }
        return sig;
    }

    /** Adds a document; returns the index of an earlier near-duplicate, or -1 (then it is indexed). */
    public addOrMatch(text: string): number {
        return this.addOrMatchSignature(this.signature(text));
    }

    /** Values in a signature (`bands × rows`). */
    public get signatureLength(): number {
        return this.a.length;
    }

    /** addOrMatch for a signature computed elsewhere (a worker); `sig` is copied when indexed. */
    public addOrMatchSignature(sig: Uint32Array): number {
        const { bands, rows, threshold } = this.o;
        // A band's key is a 53-bit hash of its rows, not their joined text (~100 bytes a band a document): a
        // collision only adds a candidate, which the signature comparison below then confirms or rejects.
        const keys: number[] = [];
        for (let band = 0; band < bands; band++) {
            let h1 = 0x811c9dc5;
            let h2 = 0x01000193 ^ band;
            for (let r = band * rows; r < (band + 1) * rows; r++) {
                h1 = Math.imul(h1 ^ sig[r]!, 0x01000193) >>> 0;
                h2 = Math.imul(h2 ^ sig[r]!, 0x5bd1e995) >>> 0;
                h2 ^= h2 >>> 15;
            }
            keys.push(h1 * 2 ** 21 + (h2 & 0x1fffff));
        }
        for (let band = 0; band < bands; band++) {
            const other = this.buckets[band]!.get(keys[band]!);
            if (other !== undefined) {
                const theirs = other * sig.length;
                let same = 0;
                for (let j = 0; j < sig.length; j++) {
                    if (sig[j] === this.signatures[theirs + j]) {
                        same++;
                    }
                }
                if (same / sig.length >= threshold) {
                    return other;
                }
            }
        }
        const id = this.count++;
        if ((id + 1) * sig.length > this.signatures.length) {
            const grown = new Uint32Array(Math.max(1024 * sig.length, this.signatures.length * 2));
            grown.set(this.signatures);
            this.signatures = grown;
        }
        this.signatures.set(sig, id * sig.length);
        for (let band = 0; band < bands; band++) {
            if (!this.buckets[band]!.has(keys[band]!)) {
                this.buckets[band]!.set(keys[band]!, id);
            }
        }
        return -1;
    }
}

function grow(a: Int32Array): Int32Array {
    const out = new Int32Array(a.length * 2);
    out.set(a);
    return out;
}
