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

const scratch = new DataView(new ArrayBuffer(4));

function bf16(bits: number): number {
    scratch.setUint32(0, bits << 16);
    return scratch.getFloat32(0);
}

function f16(h: number): number {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) {
        return sign * frac * 2 ** -24;
    }
    if (exp === 31) {
        return frac === 0 ? sign * Infinity : Number.NaN;
    }
    return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Reads the tensors of a safetensors file as float32 (F16 and BF16 widened), checking every offset against the file. */
export function readF32Safetensors(path: string): Map<string, Float32Array> {
    const buf = readFileSync(path);
    if (buf.length < 8) {
        throw new FormatError(path, "header length", "file is shorter than 8 bytes");
    }
    const n = Number(buf.readBigUInt64LE(0));
    if (n > buf.length - 8) {
        throw new FormatError(path, "header length", `${n} bytes is longer than the file`);
    }
    let header: Record<string, { dtype?: string; data_offsets?: [number, number] }>;
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
        const [a, b] = info.data_offsets ?? [-1, -1];
        const width = info.dtype === "F32" ? 4 : info.dtype === "F16" || info.dtype === "BF16" ? 2 : 0;
        if (width === 0) {
            throw new FormatError(path, name, `dtype ${String(info.dtype)} is not F32, F16 or BF16`);
        }
        if (!(a >= 0 && b >= a && base + b <= buf.length) || (b - a) % width !== 0) {
            throw new FormatError(path, `${name}.data_offsets`, "lie outside the file's data");
        }
        const bytes = buf.subarray(base + a, base + b);
        const values = new Float32Array((b - a) / width);
        for (let i = 0; i < values.length; i++) {
            values[i] = width === 4 ? bytes.readFloatLE(i * 4) : info.dtype === "BF16" ? bf16(bytes.readUInt16LE(i * 2)) : f16(bytes.readUInt16LE(i * 2));
        }
        out.set(name, values);
    }
    return out;
}
