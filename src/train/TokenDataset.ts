/**
 * What the trainer reads: fixed-length token sequences by index (Megatron shards implement it), and the
 * deterministic order in which a run visits them. Row r of micro-batch g of a run with B rows per micro-batch
 * is sequence order[(g·B + r) mod n] of epoch floor((g·B + r) / n), where each epoch's order is a seeded
 * permutation. The order is a pure function of (seed, position), so a resumed run needs only its step.
 */
import { ConfigError } from "../errors/MellamaError.js";
import { Rng } from "../util/rng.js";

export interface TokenDataset {
    readonly numSequences: number;
    /** Tokens per sequence; the model sees seqLen - 1 inputs with their next tokens as targets. */
    readonly seqLen: number;
    /** Copies sequence `index` into `out` (length ≥ seqLen). */
    read(index: number, out: Int32Array): void;
}

/** The run's order over n sequences: a seeded permutation per epoch (shuffle), or 0..n-1 each epoch (evaluation). */
export class EpochOrder {
    private epoch = -1;
    private order: Uint32Array = new Uint32Array(0);

    public constructor(private readonly n: number, private readonly seed: number, private readonly shuffle = true) {
        if (!Number.isInteger(n) || n < 1) {
            throw new ConfigError("data", `${n} sequences cannot be sampled (an empty dataset)`);
        }
    }

    /** The dataset index at global position `position` (epochs concatenated). */
    public at(position: number): number {
        const epoch = Math.floor(position / this.n);
        if (epoch !== this.epoch) {
            this.epoch = epoch;
            this.order = Uint32Array.from({ length: this.n }, (_, i) => i);
            if (this.shuffle) {
                // A fresh generator per epoch: epoch e's order never depends on how far earlier epochs went.
                new Rng((this.seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0).shuffle(this.order as unknown as number[]);
            }
        }
        return this.order[position - epoch * this.n]!;
    }
}

/** Fills tokens/targets (B, T = seqLen - 1) with the micro-batch at global micro-batch index `g`. */
export function fillMicroBatch(dataset: TokenDataset, order: EpochOrder, g: number, B: number,
    tokens: Int32Array, targets: Int32Array, scratch: Int32Array): void {
    const T = dataset.seqLen - 1;
    for (let r = 0; r < B; r++) {
        dataset.read(order.at(g * B + r), scratch);
        tokens.set(scratch.subarray(0, T), r * T);
        targets.set(scratch.subarray(1, T + 1), r * T);
    }
}

/** An in-memory dataset over a flat token array cut into sequences (tests, small runs). */
export function arrayDataset(tokens: Int32Array, seqLen: number): TokenDataset {
    const numSequences = Math.floor(tokens.length / seqLen);
    return {
        numSequences, seqLen,
        read: (index, out) => out.set(tokens.subarray(index * seqLen, (index + 1) * seqLen)),
    };
}
