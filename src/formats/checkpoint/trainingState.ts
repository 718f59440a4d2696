/**
 * The training-state part of a mellama checkpoint, beside the Hugging Face files of the model:
 *   optimizer.safetensors   AdamW first and second moments ("m.<tensor>", "v.<tensor>", F32) and, for LoRA
 *                           runs, nothing else (the adapter is saved in PEFT layout next to it)
 *   training_state.json     step, optimizer step count, RNG states, the run's identity (model shape, tokenizer
 *                           hash, data) so a resume from a different run is refused naming the difference
 * Moments are stored in float32 exactly, so a resumed run continues bit for bit.
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { FormatError } from "../../errors/MellamaError.js";

export interface NamedArray {
    name: string;
    data: Float32Array;
    /** PyTorch shape; default [data.length]. */
    shape?: readonly number[];
}

/** Writes F32 tensors as a safetensors file (header: u64 LE length, JSON, padded with spaces to 8 bytes). */
export function writeF32Safetensors(path: string, tensors: readonly NamedArray[], metadata: Record<string, string> = {}): void {
    const header: Record<string, unknown> = { __metadata__: metadata };
    let offset = 0;
    for (const t of tensors) {
        header[t.name] = { dtype: "F32", shape: t.shape ?? [t.data.length], data_offsets: [offset, offset + t.data.byteLength] };
        offset += t.data.byteLength;
    }
    let json = JSON.stringify(header);
    json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    const fd = openSync(path, "w");
    try {
        writeSync(fd, head);
        writeSync(fd, Buffer.from(json, "utf8"));
        for (const t of tensors) {
            writeSync(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
        }
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
}

/** Reads the F32 tensors of a file written by writeF32Safetensors, checking every offset against the file. */
export function readF32Safetensors(path: string): Map<string, Float32Array> {
    const buf = readFileSync(path);
    if (buf.length < 8) {
        throw new FormatError(path, "header length", "file is shorter than 8 bytes");
    }
    const n = Number(buf.readBigUInt64LE(0));
    if (n > buf.length - 8) {
        throw new FormatError(path, "header length", `${n} bytes is longer than the file`);
    }
    let header: Record<string, { dtype: string; data_offsets: [number, number] }>;
    try {
        header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8")) as typeof header;
    } catch {
        throw new FormatError(path, "header", "is not valid JSON");
    }
    const out = new Map<string, Float32Array>();
    const base = 8 + n;
    for (const [name, info] of Object.entries(header)) {
        if (name === "__metadata__") {
            continue;
        }
        const [a, b] = info.data_offsets;
        if (info.dtype !== "F32" || !(a >= 0 && b >= a && base + b <= buf.length) || (b - a) % 4 !== 0) {
            throw new FormatError(path, name, "not an F32 tensor inside the file");
        }
        const bytes = buf.subarray(base + a, base + b);
        out.set(name, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
    }
    return out;
}
