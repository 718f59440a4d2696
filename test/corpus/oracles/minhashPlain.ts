/**
 * Test oracle: the MinHash signature as first written (src/corpus/dedup.ts before shingles were hashed in place
 * and the minima moved to WebAssembly SIMD): words from a regex split, each shingle a joined string, FNV-1a, and
 * the minimum of (a * h + b) mod 2^32 per hash function. The fast signature must equal it exactly.
 */
import type { DedupOptions } from "../../../src/corpus/dedup.js";

function fnv32(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
        h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    }
    return h;
}

export function plainSignature(text: string, o: DedupOptions): Uint32Array {
    const n = o.bands * o.rows;
    const a = new Uint32Array(n);
    const b = new Uint32Array(n);
    let x = o.seed >>> 0;
    const next = (): number => {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        return x;
    };
    for (let i = 0; i < n; i++) {
        a[i] = next() | 1;
        b[i] = next();
    }
    const words = text.toLowerCase().split(/\W+/u).filter((w) => w.length > 0);
    const sig = new Uint32Array(n).fill(0xffffffff);
    const count = Math.max(1, words.length - o.shingle + 1);
    for (let i = 0; i < count; i++) {
        const h = fnv32(words.slice(i, i + o.shingle).join(" "));
        for (let j = 0; j < n; j++) {
            const v = (Math.imul(a[j]!, h) + b[j]!) >>> 0;
            if (v < sig[j]!) {
                sig[j] = v;
            }
        }
    }
    return sig;
}
