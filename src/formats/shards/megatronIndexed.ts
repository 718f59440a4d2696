/**
 * Megatron-LM's indexed dataset (the MMIDIDX format GPT-NeoX and Megatron-LM read): `<prefix>.bin` holds the
 * token ids back to back; `<prefix>.idx` holds
 *   "MMIDIDX\0\0" (9 bytes), version u64 = 1, dtype code u8 (4 = int32, 8 = uint16),
 *   sequence count u64, document count u64, sequence lengths i32[n], sequence byte pointers i64[n],
 *   document indices i64[d]  (sequence index where each document starts, plus the end).
 * Here every packed sequence is its own document. The reader checks the header against the file sizes before
 * allocating and reads sequences with positioned reads (the .bin is never loaded whole).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { FormatError } from "../../errors/MellamaError.js";
import { DTYPE_INT32, DTYPE_UINT16, MegatronWriter } from "./MegatronWriter.js";

export { DTYPE_INT32, DTYPE_UINT16 };

const MAGIC = Buffer.from("MMIDIDX\x00\x00", "latin1");

/** Writes sequences as <prefix>.bin/.idx (through temporary names and renames); see MegatronWriter for streams. */
export function writeMegatronIndexed(prefix: string, sequences: readonly Int32Array[], vocabSize: number): void {
    const writer = new MegatronWriter(prefix, vocabSize);
    for (const s of sequences) {
        writer.add(s);
    }
    writer.finish();
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
