/**
 * Deduplication: exact (hash of the lowercased, whitespace-collapsed text) and near-duplicate MinHash-LSH over
 * word 5-gram shingles, `bands × rows` hash functions; two documents are candidates when one band matches,
 * which happens with probability 1 - (1 - J^rows)^bands for Jaccard similarity J (10 × 12 puts the 50 % point
 * near J = 0.82). Candidates are confirmed by their MinHash-estimated Jaccard ≥ threshold. Documents are
 * visited in a canonical order, so the first of a duplicate group is kept whatever the sharding.
 */
import { createHash } from "node:crypto";

export interface DedupOptions {
    shingle: number;
    bands: number;
    rows: number;
    threshold: number;
    seed: number;
}

export const DEFAULT_DEDUP: DedupOptions = { shingle: 5, bands: 10, rows: 12, threshold: 0.8, seed: 7 };

export function exactKey(text: string): string {
    return createHash("sha1").update(text.toLowerCase().replace(/\s+/g, " ").trim()).digest("hex");
}

function fnv32(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
        h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    }
    return h;
}

export class MinHashLsh {
    private readonly o: DedupOptions;
    private readonly a: Uint32Array;
    private readonly b: Uint32Array;
    private readonly buckets: Map<number, number>[];
    private readonly signatures: Uint32Array[] = [];

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
        const words = text.toLowerCase().split(/\W+/u).filter((w) => w.length > 0);
        const n = this.a.length;
        const sig = new Uint32Array(n).fill(0xffffffff);
        const k = this.o.shingle;
        const count = Math.max(1, words.length - k + 1);
        for (let i = 0; i < count; i++) {
            const h = fnv32(words.slice(i, i + k).join(" "));
            for (let j = 0; j < n; j++) {
                const v = (Math.imul(this.a[j]!, h) + this.b[j]!) >>> 0;
                if (v < sig[j]!) {
                    sig[j] = v;
                }
            }
        }
        return sig;
    }

    /** Adds a document; returns the index of an earlier near-duplicate, or -1 (then it is indexed). */
    public addOrMatch(text: string): number {
        const sig = this.signature(text);
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
                const theirs = this.signatures[other]!;
                let same = 0;
                for (let j = 0; j < sig.length; j++) {
                    if (sig[j] === theirs[j]) {
                        same++;
                    }
                }
                if (same / sig.length >= threshold) {
                    return other;
                }
            }
        }
        const id = this.signatures.length;
        this.signatures.push(sig);
        for (let band = 0; band < bands; band++) {
            if (!this.buckets[band]!.has(keys[band]!)) {
                this.buckets[band]!.set(keys[band]!, id);
            }
        }
        return -1;
    }
}
