/**
 * Reads a safetensors header (u64 LE length, then a JSON object of `name -> {dtype, shape, data_offsets}` and an
 * optional `__metadata__` of strings) and validates it the way the Rust reference does before anything is
 * allocated for the data: known dtypes, shapes whose element count matches the byte range, offsets inside the
 * data section, tensors tiling the data with no gap and no overlap. Tensor data is read later, one tensor at a
 * time, by `SafetensorsFile` — never the whole file.
 */
import { SAFETENSORS_DTYPE_BYTES, type SafetensorsDtype, isSafetensorsDtype } from "./dtypes.js";
import type { ByteSource } from "./ByteSource.js";
import { SafetensorsError } from "./SafetensorsError.js";

/** The Rust reference's MAX_HEADER_SIZE: a larger header is refused before it is read. */
export const MAX_HEADER_BYTES = 100_000_000;
/** More dimensions than any real tensor; refused as corrupt. */
export const MAX_RANK = 16;

export interface SafetensorsTensorInfo {
    name: string;
    dtype: SafetensorsDtype;
    shape: number[];
    /** Byte offsets relative to the start of the data section. */
    begin: number;
    end: number;
}

export interface SafetensorsHeader {
    /** Absolute offset of the data section (8 + header length). */
    dataStart: number;
    metadata: Record<string, string>;
    tensors: SafetensorsTensorInfo[];
}

export interface ParseSafetensorsOptions {
    source: ByteSource;
}

export function parseSafetensorsHeader({ source }: ParseSafetensorsOptions): SafetensorsHeader {
    const file = source.name;
    const lenBytes = source.read(0, 8, "header length");
    const headerLen = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
    if (headerLen > BigInt(MAX_HEADER_BYTES)) {
        throw new SafetensorsError(file, "header length", `${headerLen} bytes is more than the ${MAX_HEADER_BYTES}-byte limit`);
    }
    const n = Number(headerLen);
    if (8 + n > source.size) {
        throw new SafetensorsError(file, "header length", `${n} bytes, but the file has only ${source.size - 8} after the length field`);
    }
    let json: unknown;
    try {
        json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(source.read(8, n, "header")));
    } catch (error) {
        throw new SafetensorsError(file, "header", `not valid UTF-8 JSON (${(error as Error).message})`);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
        throw new SafetensorsError(file, "header", "the JSON header must be an object");
    }
    const dataStart = 8 + n;
    const dataSize = source.size - dataStart;
    const metadata: Record<string, string> = {};
    const tensors: SafetensorsTensorInfo[] = [];
    for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
        if (name === "__metadata__") {
            if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
                throw new SafetensorsError(file, "__metadata__", "must be an object of strings");
            }
            for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
                if (typeof value !== "string") {
                    throw new SafetensorsError(file, `__metadata__.${key}`, `must be a string, got ${typeof value}`);
                }
                metadata[key] = value;
            }
            continue;
        }
        tensors.push(parseTensorEntry(file, name, entry, dataSize));
    }
    checkTiling(file, tensors, dataSize);
    return { dataStart, metadata, tensors };
}

function parseTensorEntry(file: string, name: string, entry: unknown, dataSize: number): SafetensorsTensorInfo {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
        throw new SafetensorsError(file, name, "tensor entry must be an object with dtype, shape and data_offsets");
    }
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (!isSafetensorsDtype(dtype)) {
        throw new SafetensorsError(file, `${name}.dtype`, `unknown dtype ${JSON.stringify(dtype)}`);
    }
    if (!Array.isArray(shape) || shape.length > MAX_RANK) {
        throw new SafetensorsError(file, `${name}.shape`, `must be an array of at most ${MAX_RANK} dimensions`);
    }
    let count = 1;
    for (const d of shape) {
        if (!Number.isSafeInteger(d) || (d as number) < 0) {
            throw new SafetensorsError(file, `${name}.shape`, `dimension ${JSON.stringify(d)} is not a non-negative integer`);
        }
        count *= d as number;
        if (!Number.isSafeInteger(count)) {
            throw new SafetensorsError(file, `${name}.shape`, "element count overflows");
        }
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
        throw new SafetensorsError(file, `${name}.data_offsets`, "must be [begin, end] non-negative integers");
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataSize) {
        throw new SafetensorsError(file, `${name}.data_offsets`, `[${begin}, ${end}] is outside the ${dataSize}-byte data section`);
    }
    const bytes = count * SAFETENSORS_DTYPE_BYTES[dtype];
    if (end - begin !== bytes) {
        throw new SafetensorsError(file, `${name}.data_offsets`, `spans ${end - begin} bytes but ${dtype}${JSON.stringify(shape)} needs ${bytes}`);
    }
    return { name, dtype, shape: shape as number[], begin, end };
}

/** Tensors must cover the data section exactly, in some order, as the reference requires (no gap, no overlap). */
function checkTiling(file: string, tensors: SafetensorsTensorInfo[], dataSize: number): void {
    const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
    let pos = 0;
    for (const t of sorted) {
        if (t.begin !== pos) {
            throw new SafetensorsError(file, `${t.name}.data_offsets`, t.begin < pos
                ? `overlaps the previous tensor (begins at ${t.begin}, previous ends at ${pos})`
                : `leaves a gap (begins at ${t.begin}, previous ends at ${pos})`);
        }
        pos = t.end;
    }
    if (pos !== dataSize) {
        throw new SafetensorsError(file, "data", `tensors cover ${pos} bytes but the data section has ${dataSize}`);
    }
}
