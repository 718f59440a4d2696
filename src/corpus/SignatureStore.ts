/**
 * The MinHash signatures of indexed documents, by document number, for confirming LSH candidates. Candidates are
 * rare (a band must match), so with a file the signatures are appended to it through a buffer and read back by
 * positioned reads: the index keeps no signature in memory, which is most of what made the pack stage's memory
 * grow with the corpus (480 bytes a document at 10 × 12). Without a file they sit in fixed-size chunks (never
 * copied to grow).
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";

/** Signatures per in-memory chunk. */
const CHUNK = 1024;
const BUFFER_BYTES = 1 << 18;

export class SignatureStore {
    private count = 0;
    private readonly chunks: Uint32Array[] = [];
    private readonly fd: number | null;
    private readonly buffer: Uint32Array;
    /** Signatures in the buffer, not yet written. */
    private buffered = 0;

    /** `length` values a signature; `path`: the file to keep them in (created, removed by dispose). */
    public constructor(private readonly length: number, private readonly path?: string) {
        this.fd = path === undefined ? null : openSync(path, "w+");
        this.buffer = new Uint32Array(path === undefined ? 0 : Math.max(length, Math.floor(BUFFER_BYTES / 4 / length) * length));
    }

    public get size(): number {
        return this.count;
    }

    /** Appends `sig` (copied); returns its document number. */
    public append(sig: Uint32Array): number {
        const id = this.count;
        if (this.fd === null) {
            if (id % CHUNK === 0) {
                this.chunks.push(new Uint32Array(CHUNK * this.length));
            }
            this.chunks[this.chunks.length - 1]!.set(sig, (id % CHUNK) * this.length);
            this.count++;
            return id;
        }
        // Flushed before counting the new one: flush() places the buffer at count - buffered.
        if ((this.buffered + 1) * this.length > this.buffer.length) {
            this.flush();
        }
        this.buffer.set(sig.subarray(0, this.length), this.buffered * this.length);
        this.buffered++;
        this.count++;
        return id;
    }

    /** Signature `id`, into `out` (`length` values). */
    public read(id: number, out: Uint32Array): void {
        if (id < 0 || id >= this.count) {
            throw new RangeError(`signature ${id} of ${this.count}`);
        }
        if (this.fd === null) {
            const chunk = this.chunks[Math.floor(id / CHUNK)]!;
            const at = (id % CHUNK) * this.length;
            out.set(chunk.subarray(at, at + this.length));
            return;
        }
        const first = this.count - this.buffered;
        if (id >= first) {
            const at = (id - first) * this.length;
            out.set(this.buffer.subarray(at, at + this.length));
            return;
        }
        const bytes = this.length * 4;
        const view = new Uint8Array(out.buffer, out.byteOffset, bytes);
        for (let off = 0; off < bytes;) {
            const n = readSync(this.fd, view, off, bytes - off, id * bytes + off);
            if (n === 0) {
                throw new Error(`${this.path}: signature ${id} is past the end of the file`);
            }
            off += n;
        }
    }

    /** Closes and removes the file, if any. */
    public dispose(): void {
        if (this.fd !== null) {
            closeSync(this.fd);
            rmSync(this.path!, { force: true });
        }
    }

    private flush(): void {
        if (this.buffered === 0) {
            return;
        }
        const bytes = this.buffered * this.length * 4;
        const first = this.count - this.buffered;
        // Written at its place (not appended): the file's layout is document number × signature size.
        const view = new Uint8Array(this.buffer.buffer, 0, bytes);
        for (let off = 0; off < bytes;) {
            off += writeSync(this.fd!, view, off, bytes - off, first * this.length * 4 + off);
        }
        this.buffered = 0;
    }
}
