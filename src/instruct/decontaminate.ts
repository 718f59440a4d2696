/**
 * Test-set leakage check by n-gram overlap (the GPT-3 / lm-evaluation-harness decontamination idea): a training
 * example leaks when it shares an n-gram (default 13 words, lowercased, punctuation stripped) with a test
 * document, and leaks when the shared fraction of its n-grams reaches a threshold. N-grams of the templates
 * themselves are ignored, or every example of a benchmark task would "leak" its own instruction text.
 */
export interface LeakIndexOptions {
    n?: number;
    /** Texts whose n-grams never count as overlap (templates, fixed instructions). */
    ignore?: readonly string[];
}

export function words(text: string): string[] {
    return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim().split(" ").filter((w) => w.length > 0);
}

/** 52-bit FNV-1a style hash of an n-gram, held exactly in a JS number (Set lookups stay cheap). */
function hashGram(ws: readonly string[], start: number, n: number): number {
    let lo = 0x811c9dc5;
    let hi = 0x01000193;
    for (let k = start; k < start + n; k++) {
        const w = ws[k]!;
        for (let i = 0; i < w.length; i++) {
            const c = w.charCodeAt(i);
            lo = Math.imul(lo ^ c, 0x01000193) >>> 0;
            hi = Math.imul(hi ^ c, 0x5bd1e995) >>> 0;
        }
        lo = Math.imul(lo ^ 32, 0x01000193) >>> 0;
        hi = Math.imul(hi ^ 32, 0x5bd1e995) >>> 0;
    }
    return (hi & 0xfffff) * 4294967296 + lo;
}

function grams(text: string, n: number): number[] {
    const ws = words(text);
    const out: number[] = [];
    for (let i = 0; i + n <= ws.length; i++) {
        out.push(hashGram(ws, i, n));
    }
    // Texts shorter than n words are matched whole, so short test items (a bare question) still count.
    if (ws.length > 0 && ws.length < n) {
        out.push(hashGram(ws, 0, ws.length));
    }
    return out;
}

export class LeakIndex {
    private readonly n: number;
    private readonly test = new Set<number>();
    private readonly ignored = new Set<number>();

    public constructor({ n = 13, ignore = [] }: LeakIndexOptions = {}) {
        this.n = n;
        for (const text of ignore) {
            for (const g of grams(text, n)) {
                this.ignored.add(g);
            }
        }
    }

    public addTest(text: string): void {
        for (const g of grams(text, this.n)) {
            if (!this.ignored.has(g)) {
                this.test.add(g);
            }
        }
    }

    public get size(): number {
        return this.test.size;
    }

    /**
     * The fraction of `text`'s non-template n-grams that occur in the test texts (0 when it has none).
     * Any overlap (> 0) is the GPT-3 criterion; clinical notes share so much boilerplate ("prepped and draped in
     * the usual sterile fashion") that a fraction threshold separates copies from look-alikes.
     */
    public overlap(text: string): number {
        let total = 0;
        let hit = 0;
        for (const g of grams(text, this.n)) {
            if (this.ignored.has(g)) {
                continue;
            }
            total++;
            if (this.test.has(g)) {
                hit++;
            }
        }
        return total === 0 ? 0 : hit / total;
    }
}
