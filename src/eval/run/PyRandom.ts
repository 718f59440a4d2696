/**
 * CPython's `random.Random` (MT19937, init_by_array seeding, getrandbits-based randbelow) far enough to
 * reproduce `random.Random(seed).shuffle(list)` bit for bit: lm-evaluation-harness 0.3 (Me-LLaMA's fork) shuffles
 * the test docs with `random.Random(42)` before `--limit`, so the same doc list gives the same order and the same
 * limited subset here as there; the same generator then draws few-shot examples with `sample()`.
 * Not here: floats, choice() (not needed by the harness).
 */
const N = 624;
const M = 397;

export class PyRandom {
    private readonly mt = new Uint32Array(N);
    private index = N + 1;

    /** Seeds like `random.Random(seed)` for a non-negative integer below 2**53. */
    public constructor(seed: number) {
        const key: number[] = [];
        let s = Math.abs(Math.trunc(seed));
        do {
            key.push(s % 0x100000000);
            s = Math.floor(s / 0x100000000);
        } while (s > 0);
        this.initByArray(key);
    }

    private initGenrand(s: number): void {
        const mt = this.mt;
        mt[0] = s >>> 0;
        for (let i = 1; i < N; i++) {
            const prev = mt[i - 1]!;
            mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
        }
        this.index = N;
    }

    private initByArray(key: readonly number[]): void {
        const mt = this.mt;
        this.initGenrand(19650218);
        let i = 1;
        let j = 0;
        for (let k = Math.max(N, key.length); k > 0; k--) {
            const prev = mt[i - 1]!;
            mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j]! + j) >>> 0;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1]!;
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (let k = N - 1; k > 0; k--) {
            const prev = mt[i - 1]!;
            mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1]!;
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** genrand_uint32. */
    public nextU32(): number {
        const mt = this.mt;
        if (this.index >= N) {
            for (let kk = 0; kk < N; kk++) {
                const y = (mt[kk]! & 0x80000000) | (mt[(kk + 1) % N]! & 0x7fffffff);
                mt[kk] = mt[(kk + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
            }
            this.index = 0;
        }
        let y = mt[this.index++]!;
        y ^= y >>> 11;
        y = (y ^ ((y << 7) & 0x9d2c5680)) >>> 0;
        y = (y ^ ((y << 15) & 0xefc60000)) >>> 0;
        y ^= y >>> 18;
        return y >>> 0;
    }

    /** `_randbelow_with_getrandbits(n)` for n < 2**32. */
    public randbelow(n: number): number {
        const k = Math.floor(Math.log2(n)) + 1; // n.bit_length()
        let r = this.nextU32() >>> (32 - k);
        while (r >= n) {
            r = this.nextU32() >>> (32 - k);
        }
        return r;
    }

    /** `random.shuffle(x)` in place (CPython 3.x algorithm). */
    public shuffle<T>(items: T[]): T[] {
        for (let i = items.length - 1; i > 0; i--) {
            const j = this.randbelow(i + 1);
            const tmp = items[i]!;
            items[i] = items[j]!;
            items[j] = tmp;
        }
        return items;
    }

    /** `random.sample(population, k)` (CPython 3.x: pool swap for small populations, rejection set otherwise). */
    public sample<T>(population: readonly T[], k: number): T[] {
        const n = population.length;
        if (k < 0 || k > n) {
            throw new RangeError(`sample larger than population or negative (k=${k}, n=${n})`);
        }
        let setsize = 21;
        if (k > 5) {
            setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
        }
        const result: T[] = [];
        if (n <= setsize) {
            const pool = [...population];
            for (let i = 0; i < k; i++) {
                const j = this.randbelow(n - i);
                result.push(pool[j]!);
                pool[j] = pool[n - i - 1]!;
            }
        } else {
            const selected = new Set<number>();
            for (let i = 0; i < k; i++) {
                let j = this.randbelow(n);
                while (selected.has(j)) {
                    j = this.randbelow(n);
                }
                selected.add(j);
                result.push(population[j]!);
            }
        }
        return result;
    }
}
