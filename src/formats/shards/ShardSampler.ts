/**
 * The order in which a trainer visits the sequences of a shard dataset: a seeded permutation per epoch, walked
 * position by position. The state is three integers (seed, epoch, position), so a checkpoint stores it as JSON and
 * a resumed run continues with exactly the sequences the interrupted one would have seen next. Epoch e's order
 * depends only on (seed, e), never on how far earlier epochs went.
 *
 * Not a data loader: it yields indices; `ShardDataset.read(i, out)` fetches the tokens.
 */
import { ConfigError } from "../../errors/MellamaError.js";
import { Rng } from "../../util/rng.js";

export interface ShardSamplerState {
    seed: number;
    epoch: number;
    /** Index within the epoch's order of the next sequence to hand out. */
    position: number;
}

export interface ShardSamplerOptions {
    numSequences: number;
    seed?: number;
    /** false: epochs visit 0..n-1 in order (evaluation). */
    shuffle?: boolean;
}

export class ShardSampler {
    private readonly n: number;
    private readonly shuffle: boolean;
    private seed: number;
    private epoch = 0;
    private position = 0;
    private order: Uint32Array;

    public constructor({ numSequences, seed = 1234, shuffle = true }: ShardSamplerOptions) {
        if (!Number.isInteger(numSequences) || numSequences < 1) {
            throw new ConfigError("numSequences", `${numSequences} is not a positive integer (an empty shard dataset cannot be sampled)`);
        }
        this.n = numSequences;
        this.shuffle = shuffle;
        this.seed = seed >>> 0;
        this.order = this.permutation(0);
    }

    /** The next sequence index; moves to the next epoch (a fresh permutation) after the last one. */
    public next(): number {
        if (this.position === this.n) {
            this.epoch++;
            this.position = 0;
            this.order = this.permutation(this.epoch);
        }
        return this.order[this.position++]!;
    }

    public state(): ShardSamplerState {
        return { seed: this.seed, epoch: this.epoch, position: this.position };
    }

    public restore(state: ShardSamplerState): void {
        const { seed, epoch, position } = state;
        if (!Number.isInteger(epoch) || epoch < 0) {
            throw new ConfigError("sampler.epoch", `${epoch} is not a non-negative integer`);
        }
        if (!Number.isInteger(position) || position < 0 || position > this.n) {
            throw new ConfigError("sampler.position", `${position} is outside 0..${this.n} (was the state saved for another dataset?)`);
        }
        this.seed = seed >>> 0;
        this.epoch = epoch;
        this.position = position;
        this.order = this.permutation(epoch);
    }

    private permutation(epoch: number): Uint32Array {
        const order = Uint32Array.from({ length: this.n }, (_, i) => i);
        if (this.shuffle) {
            // One generator per epoch, seeded from (seed, epoch), so restore() needs no replay of earlier epochs.
            new Rng((this.seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0).shuffle(order as unknown as number[]);
        }
        return order;
    }
}
