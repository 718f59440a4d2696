/**
 * Tokenized documents kept on disk instead of in memory during the pack stage: appended to one temporary file
 * of int32 tokens through a buffer, with only each document's (offset, length) in memory (12 bytes a document),
 * and read back by positioned reads when the mix is packed. This is what keeps the pack stage's memory from
 * growing with the token count.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { endianness } from "node:os";

const BUFFER_BYTES = 1 << 20;
const LITTLE_ENDIAN = endianness() === "LE";

export class TokenSpill {
    private fd: number;
    private readonly buffer = Buffer.alloc(BUFFER_BYTES);
    private fill = 0;
    private written = 0;
    private offsets = new Float64Array(1024);
    private lengths = new Int32Array(1024);
    private count = 0;
    private tokenTotal = 0;
    private scratch = Buffer.alloc(0);

    public constructor(private readonly path: string) {
        this.fd = openSync(path, "w+");
    }

    public get numDocuments(): number {
        return this.count;
    }

    public get numTokens(): number {
        return this.tokenTotal;
    }

    public lengthOf(doc: number): number {
        return this.lengths[doc]!;
    }

    public add(tokens: readonly number[]): void {
        this.grow();
        this.offsets[this.count] = this.written + this.fill;
        this.lengths[this.count++] = tokens.length;
        this.tokenTotal += tokens.length;
        for (const t of tokens) {
            if (this.fill + 4 > BUFFER_BYTES) {
                this.flush();
            }
            this.buffer.writeInt32LE(t, this.fill);
            this.fill += 4;
        }
    }

    /** Appends one document: tokens[from, to). */
    public addRange(tokens: Int32Array, from: number, to: number): void {
        this.grow();
        const n = to - from;
        this.offsets[this.count] = this.written + this.fill;
        this.lengths[this.count++] = n;
        this.tokenTotal += n;
        if (!LITTLE_ENDIAN) {
            for (let k = from; k < to; k++) {
                if (this.fill + 4 > BUFFER_BYTES) {
                    this.flush();
                }
                this.buffer.writeInt32LE(tokens[k]!, this.fill);
                this.fill += 4;
            }
            return;
        }
        // The int32s' bytes are already the file's little-endian layout: copied, not written one by one.
        const bytes = Buffer.from(tokens.buffer, tokens.byteOffset + from * 4, n * 4);
        for (let off = 0; off < bytes.length;) {
            if (this.fill === BUFFER_BYTES) {
                this.flush();
            }
            const take = Math.min(bytes.length - off, BUFFER_BYTES - this.fill);
            bytes.copy(this.buffer, this.fill, off, off + take);
            this.fill += take;
            off += take;
        }
    }

    /** Document `doc`'s tokens (a view valid until the next read). */
    public read(doc: number): Int32Array {
        this.flush();
        const bytes = this.lengths[doc]! * 4;
        if (this.scratch.length < bytes) {
            this.scratch = Buffer.alloc(Math.max(bytes, this.scratch.length * 2));
        }
        readSync(this.fd, this.scratch, 0, bytes, this.offsets[doc]!);
        return new Int32Array(this.scratch.buffer, this.scratch.byteOffset, bytes / 4);
    }

    public dispose(): void {
        closeSync(this.fd);
        rmSync(this.path, { force: true });
    }

    private grow(): void {
        if (this.count === this.lengths.length) {
            const offsets = new Float64Array(this.count * 2);
            offsets.set(this.offsets);
            this.offsets = offsets;
            const lengths = new Int32Array(this.count * 2);
            lengths.set(this.lengths);
            this.lengths = lengths;
        }
    }

    private flush(): void {
        if (this.fill > 0) {
            writeSync(this.fd, this.buffer, 0, this.fill, this.written);
            this.written += this.fill;
            this.fill = 0;
        }
    }
}
