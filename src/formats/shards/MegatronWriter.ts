/**
 * A streaming writer of Megatron's indexed dataset (MMIDIDX; layout in megatronIndexed.ts): sequences are
 * appended to `<prefix>.bin.tmp-<pid>` through a 1 MiB buffer, only their lengths stay in memory (4 bytes
 * each), and finish() writes the .idx and renames both files into place, so memory stays flat however many
 * sequences are written and a killed run leaves no half-written shard under the final names.
 * Every sequence is its own document (doc_idx = 0..n), as Megatron's preprocess_data.py writes packed data.
 */
import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";

const MAGIC = Buffer.from("MMIDIDX\x00\x00", "latin1");
export const DTYPE_INT32 = 4;
export const DTYPE_UINT16 = 8;
const BUFFER_BYTES = 1 << 20;

export class MegatronWriter {
    private readonly itemSize: number;
    private readonly dtype: number;
    private readonly tmp: string;
    private fd: number | null;
    private readonly buffer = Buffer.alloc(BUFFER_BYTES);
    private fill = 0;
    private lengths = new Int32Array(1024);
    private count = 0;

    /** uint16 tokens when every id fits (vocabSize ≤ 65535, as Megatron's best_fitting_dtype), else int32. */
    public constructor(private readonly prefix: string, vocabSize: number) {
        this.dtype = vocabSize <= 65535 ? DTYPE_UINT16 : DTYPE_INT32;
        this.itemSize = this.dtype === DTYPE_UINT16 ? 2 : 4;
        this.tmp = `${prefix}.bin.tmp-${process.pid}`;
        this.fd = openSync(this.tmp, "w");
    }

    public get numSequences(): number {
        return this.count;
    }

    public add(tokens: Int32Array): void {
        if (this.count === this.lengths.length) {
            const grown = new Int32Array(this.lengths.length * 2);
            grown.set(this.lengths);
            this.lengths = grown;
        }
        this.lengths[this.count++] = tokens.length;
        for (let i = 0; i < tokens.length; i++) {
            if (this.fill + this.itemSize > BUFFER_BYTES) {
                this.flush();
            }
            if (this.itemSize === 2) {
                this.buffer.writeUInt16LE(tokens[i]!, this.fill);
            } else {
                this.buffer.writeInt32LE(tokens[i]!, this.fill);
            }
            this.fill += this.itemSize;
        }
    }

    /** Writes <prefix>.idx and moves <prefix>.bin into place. */
    public finish(): void {
        this.flush();
        closeSync(this.fd!);
        this.fd = null;
        const n = this.count;
        const idx = Buffer.alloc(34 + n * 12 + (n + 1) * 8);
        let p = 0;
        MAGIC.copy(idx, p); p += 9;
        idx.writeBigUInt64LE(1n, p); p += 8;
        idx.writeUInt8(this.dtype, p); p += 1;
        idx.writeBigUInt64LE(BigInt(n), p); p += 8;
        idx.writeBigUInt64LE(BigInt(n + 1), p); p += 8;
        for (let i = 0; i < n; i++) {
            idx.writeInt32LE(this.lengths[i]!, p); p += 4;
        }
        let pointer = 0;
        for (let i = 0; i < n; i++) {
            idx.writeBigInt64LE(BigInt(pointer), p); p += 8;
            pointer += this.lengths[i]! * this.itemSize;
        }
        for (let d = 0; d <= n; d++) {
            idx.writeBigInt64LE(BigInt(d), p); p += 8;
        }
        renameSync(this.tmp, `${this.prefix}.bin`);
        atomicWriteFileSync(`${this.prefix}.idx`, idx);
    }

    private flush(): void {
        if (this.fill > 0) {
            writeSync(this.fd!, this.buffer, 0, this.fill);
            this.fill = 0;
        }
    }
}
