/**
 * Megatron-LM's indexed dataset (the MMIDIDX format GPT-NeoX and Megatron-LM read): `<prefix>.bin` holds the
 * token ids back to back; `<prefix>.idx` holds
 *   "MMIDIDX\0\0" (9 bytes), version u64 = 1, dtype code u8 (4 = int32, 8 = uint16),
 *   sequence count u64, document count u64, sequence lengths i32[n], sequence byte pointers i64[n],
 *   document indices i64[d]  (sequence index where each document starts, plus the end).
 * Here every packed sequence is its own document. The reader checks the header against the file sizes before
 * allocating and reads sequences with positioned reads (the .bin is never loaded whole).
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, writeFileSync } from "node:fs";
import { FormatError } from "../../errors/MellamaError.js";

const MAGIC = Buffer.from("MMIDIDX\x00\x00", "latin1");
export const DTYPE_INT32 = 4;
export const DTYPE_UINT16 = 8;

/** Writes sequences of equal length as <prefix>.bin/.idx, each file through a temporary name and a rename. */
export function writeMegatronIndexed(prefix: string, sequences: readonly Int32Array[], vocabSize: number): void {
    const dtype = vocabSize <= 65535 ? DTYPE_UINT16 : DTYPE_INT32;
    const itemSize = dtype === DTYPE_UINT16 ? 2 : 4;
    const n = sequences.length;
    const total = sequences.reduce((a, s) => a + s.length, 0);
    const bin = Buffer.alloc(total * itemSize);
    let off = 0;
    for (const s of sequences) {
        for (let i = 0; i < s.length; i++) {
            if (dtype === DTYPE_UINT16) {
                bin.writeUInt16LE(s[i]!, off);
            } else {
                bin.writeInt32LE(s[i]!, off);
            }
            off += itemSize;
        }
    }
    const idx = Buffer.alloc(9 + 8 + 1 + 8 + 8 + n * 4 + n * 8 + (n + 1) * 8);
    let p = 0;
    MAGIC.copy(idx, p); p += 9;
    idx.writeBigUInt64LE(1n, p); p += 8;
    idx.writeUInt8(dtype, p); p += 1;
    idx.writeBigUInt64LE(BigInt(n), p); p += 8;
    idx.writeBigUInt64LE(BigInt(n + 1), p); p += 8;
    for (const s of sequences) {
        idx.writeInt32LE(s.length, p); p += 4;
    }
    let pointer = 0;
    for (const s of sequences) {
        idx.writeBigInt64LE(BigInt(pointer), p); p += 8;
        pointer += s.length * itemSize;
    }
    for (let d = 0; d <= n; d++) {
        idx.writeBigInt64LE(BigInt(d), p); p += 8;
    }
    for (const [path, data] of [[`${prefix}.bin`, bin], [`${prefix}.idx`, idx]] as const) {
        const tmp = `${path}.tmp-${process.pid}`;
        writeFileSync(tmp, data);
        renameSync(tmp, path);
    }
}

export interface MegatronDataset {
    numSequences: number;
    /** Length of the longest sequence (all are equal in packed corpora). */
    seqLen: number;
    lengths: Int32Array;
    read(index: number, out: Int32Array): void;
    close(): void;
}

export function openMegatronIndexed(prefix: string): MegatronDataset {
    const idxPath = `${prefix}.idx`;
    const binPath = `${prefix}.bin`;
    const fd = openSync(idxPath, "r");
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(34);
    if (size < 34 || readSync(fd, head, 0, 34, 0) < 34) {
        closeSync(fd);
        throw new FormatError(idxPath, "header", "file is shorter than the 34-byte MMIDIDX header");
    }
    if (!head.subarray(0, 9).equals(MAGIC)) {
        closeSync(fd);
        throw new FormatError(idxPath, "magic", "not an MMIDIDX index (Megatron indexed dataset)");
    }
    const version = head.readBigUInt64LE(9);
    const dtype = head.readUInt8(17);
    const n = head.readBigUInt64LE(18);
    const docs = head.readBigUInt64LE(26);
    if (version !== 1n) {
        closeSync(fd);
        throw new FormatError(idxPath, "version", `${version} is not 1`);
    }
    if (dtype !== DTYPE_UINT16 && dtype !== DTYPE_INT32) {
        closeSync(fd);
        throw new FormatError(idxPath, "dtype", `code ${dtype} is not a token type (4 int32, 8 uint16)`);
    }
    const expected = 34n + n * 12n + docs * 8n;
    if (expected !== BigInt(size)) {
        closeSync(fd);
        throw new FormatError(idxPath, "sequence count", `${n} sequences and ${docs} document indices need ${expected} bytes, the file has ${size}`);
    }
    const count = Number(n);
    const body = Buffer.alloc(count * 12);
    readSync(fd, body, 0, body.length, 34);
    closeSync(fd);
    const lengths = new Int32Array(count);
    const pointers = new Float64Array(count);
    for (let i = 0; i < count; i++) {
        lengths[i] = body.readInt32LE(i * 4);
        pointers[i] = Number(body.readBigInt64LE(count * 4 + i * 8));
    }
    const itemSize = dtype === DTYPE_UINT16 ? 2 : 4;
    const binFd = openSync(binPath, "r");
    const binSize = fstatSync(binFd).size;
    for (let i = 0; i < count; i++) {
        if (lengths[i]! < 0 || pointers[i]! < 0 || pointers[i]! + lengths[i]! * itemSize > binSize) {
            closeSync(binFd);
            throw new FormatError(binPath, `sequence ${i}`, "points outside the .bin file");
        }
    }
    const seqLen = lengths.reduce((a, b) => Math.max(a, b), 0);
    const scratch = Buffer.alloc(seqLen * itemSize);
    return {
        numSequences: count, seqLen, lengths,
        read(index, out) {
            const len = lengths[index]!;
            readSync(binFd, scratch, 0, len * itemSize, pointers[index]!);
            for (let i = 0; i < len; i++) {
                out[i] = itemSize === 2 ? scratch.readUInt16LE(i * 2) : scratch.readInt32LE(i * 4);
            }
        },
        close: () => closeSync(binFd),
    };
}
