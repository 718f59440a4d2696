/**
 * The exact-duplicate index: a set of exactKey values (20-byte SHA-1 digests as latin1 strings) keeping the
 * first 128 bits of each in one open-addressing Int32Array (four words a slot, at most three quarters full):
 * ~21–43 bytes a document where a Set of the strings took ~80, and nothing for the garbage collector to trace.
 * 128 bits of SHA-1: two different texts share a key with probability ~n^2 / 2^129, none in any real corpus.
 */

export class ExactKeySet {
    private slots: Int32Array;
    private mask: number;
    private count = 0;
    /** The all-zero key (the table's empty-slot marker) as a flag. */
    private hasZero = false;

    public constructor(capacity = 1 << 12) {
        let size = 16;
        while (size * 3 < capacity * 4) {
            size *= 2;
        }
        this.mask = size - 1;
        this.slots = new Int32Array(4 * size);
    }

    public get size(): number {
        return this.count + (this.hasZero ? 1 : 0);
    }

    /** Adds `key`; false when it was there already. */
    public add(key: string): boolean {
        if (key.length < 16) {
            throw new RangeError(`an exact key has at least 16 characters (got ${key.length})`);
        }
        const a = word(key, 0);
        const b = word(key, 4);
        const c = word(key, 8);
        const d = word(key, 12);
        if ((a | b | c | d) === 0) {
            const had = this.hasZero;
            this.hasZero = true;
            return !had;
        }
        if (4 * (this.count + 1) > 3 * (this.mask + 1)) {
            this.grow();
        }
        return this.insert(a, b, c, d);
    }

    private insert(a: number, b: number, c: number, d: number): boolean {
        const s = this.slots;
        for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
            const i = 4 * slot;
            if ((s[i]! | s[i + 1]! | s[i + 2]! | s[i + 3]!) === 0) {
                s[i] = a;
                s[i + 1] = b;
                s[i + 2] = c;
                s[i + 3] = d;
                this.count++;
                return true;
            }
            if (s[i] === a && s[i + 1] === b && s[i + 2] === c && s[i + 3] === d) {
                return false;
            }
        }
    }

    private grow(): void {
        const old = this.slots;
        this.mask = this.mask * 2 + 1;
        this.slots = new Int32Array(4 * (this.mask + 1));
        this.count = 0;
        for (let i = 0; i < old.length; i += 4) {
            if ((old[i]! | old[i + 1]! | old[i + 2]! | old[i + 3]!) !== 0) {
                this.insert(old[i]!, old[i + 1]!, old[i + 2]!, old[i + 3]!);
            }
        }
    }
}

/** Four latin1 characters (bytes) of `key` from `at` as one int32. */
function word(key: string, at: number): number {
    return key.charCodeAt(at) | (key.charCodeAt(at + 1) << 8) | (key.charCodeAt(at + 2) << 16) | (key.charCodeAt(at + 3) << 24);
}
