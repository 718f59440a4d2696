/**
 * The LSH band index: (band, band key) → the first document indexed with that key in that band, as one
 * open-addressing table of (32-bit fingerprint, document + 1) pairs in a single Int32Array, at most three quarters
 * full: 8 bytes a slot, ~11–21 bytes an entry, where a Map per band would box each 53-bit number key as a heap
 * number (docs/performance-notes.md). The fingerprint mixes the band and all 53 bits of the key; two
 * keys that share one only add an LSH candidate, which the caller's signature comparison then rejects (and the
 * later key goes unindexed in that band: at 2^-32 a pair, no measurable recall).
 */

export class BandTable {
    /** [fingerprint, document + 1] per slot; document + 1 = 0 is an empty slot (a fresh array needs no fill). */
    private slots: Int32Array;
    private mask: number;
    private count = 0;

    public constructor(capacity = 1 << 12) {
        let size = 16;
        while (size * 3 < capacity * 4) {
            size *= 2;
        }
        this.mask = size - 1;
        this.slots = new Int32Array(2 * size);
    }

    public get size(): number {
        return this.count;
    }

    /** Bytes held by the table. */
    public get bytes(): number {
        return this.slots.byteLength;
    }

    /** The document of (band, key), or -1. `key` is < 2^53: hi = floor(key / 2^21), lo = key mod 2^21. */
    public get(band: number, hi: number, lo: number): number {
        const fp = fingerprint(band, hi, lo);
        const slots = this.slots;
        for (let slot = mix(fp) & this.mask; ; slot = (slot + 1) & this.mask) {
            const d = slots[2 * slot + 1]!;
            if (d === 0 || slots[2 * slot] === fp) {
                return d - 1;
            }
        }
    }

    /** Sets (band, key) → doc unless the key is there already (the first document keeps it). */
    public setIfAbsent(band: number, hi: number, lo: number, doc: number): void {
        if (4 * (this.count + 1) > 3 * (this.mask + 1)) {
            this.grow();
        }
        this.insert(fingerprint(band, hi, lo), doc + 1);
    }

    private insert(fp: number, stored: number): void {
        const slots = this.slots;
        let slot = mix(fp) & this.mask;
        for (; slots[2 * slot + 1] !== 0; slot = (slot + 1) & this.mask) {
            if (slots[2 * slot] === fp) {
                return;
            }
        }
        slots[2 * slot] = fp;
        slots[2 * slot + 1] = stored;
        this.count++;
    }

    private grow(): void {
        const old = this.slots;
        this.mask = this.mask * 2 + 1;
        this.slots = new Int32Array(2 * (this.mask + 1));
        this.count = 0;
        for (let s = 0; s < old.length; s += 2) {
            if (old[s + 1] !== 0) {
                this.insert(old[s]!, old[s + 1]!);
            }
        }
    }
}

/** 32 bits of (band, hi, lo): murmur3-style mixing of all three. */
function fingerprint(band: number, hi: number, lo: number): number {
    let h = Math.imul(hi ^ 0x9e3779b9, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h ^ lo ^ Math.imul(band, 0x27d4eb2f), 0xc2b2ae35);
    h ^= h >>> 16;
    return h;
}

/** The slot hash of a fingerprint (its own mixing: the probe start should not follow the fingerprint's low bits alone). */
function mix(fp: number): number {
    let h = Math.imul(fp, 0x9e3779b1);
    h ^= h >>> 15;
    return h;
}
