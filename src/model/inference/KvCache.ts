/**
 * KvCache: one sequence's keys and values, per layer (positions, kv heads, head size) row-major, indexed by
 * position. It grows as positions are used (doubling, in whole blocks, up to the session's context), so a model
 * with a 4096-token context costs only what its sequences actually reach: a 7B model's full F32 cache is 4 GiB.
 */
export class KvCache {
    public k: Float32Array[];
    public v: Float32Array[];
    /** Positions each layer's arrays hold. */
    public capacity = 0;

    public constructor(private readonly nLayers: number, private readonly kvDim: number, private readonly maxContext: number) {
        this.k = Array.from({ length: nLayers }, () => new Float32Array(0));
        this.v = Array.from({ length: nLayers }, () => new Float32Array(0));
    }

    /** Makes positions [0, positions) writable, keeping what the cache holds. */
    public reserve(positions: number): void {
        if (positions <= this.capacity) {
            return;
        }
        const block = 256;
        const next = Math.max(positions, Math.min(this.maxContext, Math.max(Math.ceil(positions / block) * block, 2 * this.capacity)));
        const size = next * this.kvDim;
        for (let l = 0; l < this.nLayers; l++) {
            const k = new Float32Array(size);
            k.set(this.k[l]!);
            this.k[l] = k;
            const v = new Float32Array(size);
            v.set(this.v[l]!);
            this.v[l] = v;
        }
        this.capacity = size / this.kvDim;
    }

    /** Bytes held. */
    public get bytes(): number {
        return 2 * this.nLayers * this.capacity * this.kvDim * 4;
    }
}
