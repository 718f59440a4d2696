/**
 * The word → ids memo of SentencePieceBpe's per-word path: an open-addressing table keyed by the word's text, with
 * the ids in one Int32Array pool. A lookup takes the hash its caller computed while scanning the text and compares
 * the candidate key against the text in place (character by character at the word's offset), so a hit allocates nothing;
 * a Map<string, ids> would need a sliced string and its hash per word.
 * Keys are UTF-16 units in one Uint16Array pool, not strings: a full cache starting over leaves nothing for the
 * garbage collector (2^18 key strings going old and dying at once slow a long build and grow its worker heap;
 * docs/performance-notes.md), and its memory is a few typed arrays that stop growing once the pools are large enough.
 * Bounded: when `limit` words are held it starts over empty (the corpus stage streams, so memory stays flat).
 * Not a general cache: the caller guarantees that a key determines its ids.
 */

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

export class WordCache {
    private readonly mask: number;
    /**
     * [hash, entry + 1] per slot (entry + 1 = 0: empty): a probe compares hashes without leaving this array, and a
     * hit then reads one entry's four numbers from `meta`. Separate arrays per field cost a cache miss each on a
     * table larger than L2.
     */
    private readonly slots: Int32Array;
    /** [key offset, key length, ids offset, ids length] per entry. */
    private readonly meta: Int32Array;
    private count = 0;
    private keyPool = new Uint16Array(1 << 16);
    private keyFill = 0;
    private pool = new Int32Array(1 << 16);
    private poolFill = 0;

    public constructor(private readonly limit: number) {
        let size = 2;
        while (size < 2 * limit) {
            size *= 2;
        }
        this.mask = size - 1;
        this.slots = new Int32Array(2 * size);
        this.meta = new Int32Array(4 * limit);
    }

    public get size(): number {
        return this.count;
    }

    /** The entry whose key equals text[start, end) (its hash is `hash`), or -1. */
    public findIn(text: string, start: number, end: number, hash: number): number {
        const slots = this.slots;
        const len = end - start;
        for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
            const e = slots[2 * slot + 1]! - 1;
            if (e < 0) {
                return -1;
            }
            if (slots[2 * slot] === hash && this.meta[4 * e + 1] === len && this.sameAt(e, text, start)) {
                return e;
            }
        }
    }

    /** The entry whose key is `key`, or -1. */
    public find(key: string, hash: number): number {
        return this.findIn(key, 0, key.length, hash);
    }

    /** Adds `key` (not present) with its ids; returns the entry. Starts over when full. */
    public add(key: string, hash: number, ids: readonly number[]): number {
        if (this.count >= this.limit) {
            this.slots.fill(0);
            this.count = 0;
            this.poolFill = 0;
            this.keyFill = 0;
        }
        if (this.keyFill + key.length > this.keyPool.length) {
            const grown = new Uint16Array(Math.max(this.keyPool.length * 2, this.keyFill + key.length));
            grown.set(this.keyPool.subarray(0, this.keyFill));
            this.keyPool = grown;
        }
        if (this.poolFill + ids.length > this.pool.length) {
            const grown = new Int32Array(Math.max(this.pool.length * 2, this.poolFill + ids.length));
            grown.set(this.pool.subarray(0, this.poolFill));
            this.pool = grown;
        }
        const e = this.count++;
        const m = 4 * e;
        this.meta[m] = this.keyFill;
        this.meta[m + 1] = key.length;
        this.meta[m + 2] = this.poolFill;
        this.meta[m + 3] = ids.length;
        for (let i = 0; i < key.length; i++) {
            this.keyPool[this.keyFill++] = key.charCodeAt(i);
        }
        for (let k = 0; k < ids.length; k++) {
            this.pool[this.poolFill++] = ids[k]!;
        }
        let slot = hash & this.mask;
        while (this.slots[2 * slot + 1] !== 0) {
            slot = (slot + 1) & this.mask;
        }
        this.slots[2 * slot] = hash;
        this.slots[2 * slot + 1] = e + 1;
        return e;
    }

    /** Appends entry `e`'s ids to `out`. */
    public emit(e: number, out: number[]): void {
        const pool = this.pool;
        for (let k = this.meta[4 * e + 2]!, end = k + this.meta[4 * e + 3]!; k < end; k++) {
            out.push(pool[k]!);
        }
    }

    /** Whether entry `e`'s key occurs in `text` at `start` (a loop: words are short, a call per hit cost more). */
    private sameAt(e: number, text: string, start: number): boolean {
        const pool = this.keyPool;
        for (let i = 0, k = this.meta[4 * e]!, n = this.meta[4 * e + 1]!; i < n; i++, k++) {
            if (text.charCodeAt(start + i) !== pool[k]) {
                return false;
            }
        }
        return true;
    }
}
