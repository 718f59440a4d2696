/**
 * A small seeded PRNG (SplitMix32 seeding a xorshift128+ style generator in 32-bit lanes) for shuffles and
 * sampling that must be reproducible across runs and platforms. Its state is four uint32s, so it can be saved
 * in checkpoints and restored exactly.
 */
export class Rng {
    private s0: number;
    private s1: number;
    private s2: number;
    private s3: number;

    public constructor(seed: number) {
        let x = seed >>> 0;
        const next = (): number => {
            x = (x + 0x9e3779b9) >>> 0;
            let z = x;
            z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
            z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
            return (z ^ (z >>> 16)) >>> 0;
        };
        this.s0 = next();
        this.s1 = next();
        this.s2 = next();
        this.s3 = next() | 1;
    }

    /** xoshiro128** step: a uniform uint32. */
    public nextU32(): number {
        const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
        const t = (this.s1 << 9) >>> 0;
        this.s2 ^= this.s0;
        this.s3 ^= this.s1;
        this.s1 ^= this.s2;
        this.s0 ^= this.s3;
        this.s2 ^= t;
        this.s3 = rotl(this.s3, 11);
        this.s0 >>>= 0; this.s1 >>>= 0; this.s2 >>>= 0; this.s3 >>>= 0;
        return result;
    }

    /** Uniform in [0, 1) with 32 bits of randomness. */
    public next(): number {
        return this.nextU32() / 4294967296;
    }

    /** Uniform integer in [0, n). */
    public int(n: number): number {
        return Math.floor(this.next() * n);
    }

    /** Fisher–Yates shuffle in place. */
    public shuffle<T>(items: T[]): T[] {
        for (let i = items.length - 1; i > 0; i--) {
            const j = this.int(i + 1);
            const tmp = items[i]!;
            items[i] = items[j]!;
            items[j] = tmp;
        }
        return items;
    }

    public state(): [number, number, number, number] {
        return [this.s0, this.s1, this.s2, this.s3];
    }

    public static fromState(state: readonly number[]): Rng {
        const rng = new Rng(0);
        [rng.s0, rng.s1, rng.s2, rng.s3] = [state[0]! >>> 0, state[1]! >>> 0, state[2]! >>> 0, state[3]! >>> 0];
        return rng;
    }
}

function rotl(x: number, k: number): number {
    return ((x << k) | (x >>> (32 - k))) >>> 0;
}
