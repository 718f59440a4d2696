/**
 * The LSH band index: (band, band key) → the first document indexed with that key in that band, as one
 * open-addressing table in three Int32Arrays (the key's high 32 bits, its low 21 bits with the band above them,
 * the document) at most half full, so an entry costs ≤ 24 bytes (bands < 1024: the config's limit). It replaced one Map per band, whose 53-bit
 * number keys were boxed heap numbers and whose entries cost ~5x that.
 */

const EMPTY = -1;

export class BandTable {
    private hi: Int32Array;
    private lo: Int32Array;
    private doc: Int32Array;
    private mask: number;
    private count = 0;

    public constructor(capacity = 1 << 12) {
        let size = 16;
        while (size < 2 * capacity) {
            size *= 2;
        }
        this.mask = size - 1;
        this.hi = new Int32Array(size);
        this.lo = new Int32Array(size);
        this.doc = new Int32Array(size).fill(EMPTY);
    }

    public get size(): number {
        return this.count;
    }

    /** Bytes held by the table's arrays. */
    public get bytes(): number {
        return this.hi.byteLength * 3;
    }

    /** The document of (band, key), or -1. `key` is < 2^53: hi = floor(key / 2^21), lo = key mod 2^21. */
    public get(band: number, hi: number, lo: number): number {
        const tag = (band << 21) | lo;
        for (let slot = this.slotOf(hi | 0, tag); ; slot = (slot + 1) & this.mask) {
            const d = this.doc[slot]!;
            if (d === EMPTY || (this.hi[slot] === (hi | 0) && this.lo[slot] === tag)) {
                return d;
            }
        }
    }

    /** Sets (band, key) → doc unless the key is there already (the first document keeps it). */
    public setIfAbsent(band: number, hi: number, lo: number, doc: number): void {
        if (2 * (this.count + 1) > this.mask + 1) {
            this.grow();
        }
        this.insert(hi | 0, (band << 21) | lo, doc);
    }

    private insert(hi: number, tag: number, doc: number): void {
        let slot = this.slotOf(hi, tag);
        for (; this.doc[slot] !== EMPTY; slot = (slot + 1) & this.mask) {
            if (this.hi[slot] === hi && this.lo[slot] === tag) {
                return;
            }
        }
        this.hi[slot] = hi;
        this.lo[slot] = tag;
        this.doc[slot] = doc;
        this.count++;
    }

    private slotOf(hi: number, tag: number): number {
        let h = Math.imul(hi ^ Math.imul(tag, 0x9e3779b1), 0x85ebca6b);
        h ^= h >>> 15;
        return h & this.mask;
    }

    private grow(): void {
        const { hi, lo, doc } = this;
        const size = (this.mask + 1) * 2;
        this.mask = size - 1;
        this.hi = new Int32Array(size);
        this.lo = new Int32Array(size);
        this.doc = new Int32Array(size).fill(EMPTY);
        this.count = 0;
        for (let s = 0; s < doc.length; s++) {
            if (doc[s] !== EMPTY) {
                this.insert(hi[s]!, lo[s]!, doc[s]!);
            }
        }
    }
}
