/**
 * Reads a GGUF header (v2 and v3: magic, version, tensor count, metadata key/values, tensor infos) through a
 * buffered cursor over a ByteSource. Every count and length is checked against the bytes left in the file
 * before anything is allocated for it, so a corrupt or hostile header gives a GgufError naming the field,
 * never a huge allocation or a hang. Tensor data is not read here (see GgufFile).
 */
import type { ByteSource } from "../safetensors/ByteSource.js";
import { GgufError } from "./GgufError.js";
import {
    GGML_BLOCK, GGML_MAX_DIMS, GGML_MAX_NAME, GgmlType, GGUF_DEFAULT_ALIGNMENT, GGUF_SCALAR_BYTES, type GgufScalar, type GgufScalarType,
    type GgufTensorInfo, type GgufValue, GgufValueType, isGgmlType,
} from "./ggufTypes.js";

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32

export interface GgufHeader {
    version: number;
    metadata: Map<string, GgufValue>;
    tensors: GgufTensorInfo[];
    alignment: number;
    /** Absolute offset of the data section. */
    dataStart: number;
}

export interface ParseGgufOptions {
    source: ByteSource;
    readTensorInfo?: boolean;
}

/** Reads forward through the source in 1 MiB windows; every read is bounds-checked against the file first. */
class Cursor {
    public pos = 0;
    private window: Uint8Array = new Uint8Array(0);
    private windowStart = 0;
    private view = new DataView(this.window.buffer);

    public constructor(private readonly source: ByteSource) {}

    public get remaining(): number {
        return this.source.size - this.pos;
    }

    public take(n: number, field: string): { view: DataView; at: number; bytes: Uint8Array } {
        if (n > this.remaining) {
            throw new GgufError(this.source.name, field, `needs ${n} bytes at offset ${this.pos} but only ${this.remaining} remain: truncated or corrupt`);
        }
        if (this.pos < this.windowStart || this.pos + n > this.windowStart + this.window.byteLength) {
            const len = Math.min(Math.max(n, 1 << 20), this.source.size - this.pos);
            this.window = this.source.read(this.pos, len, field);
            this.view = new DataView(this.window.buffer, this.window.byteOffset, this.window.byteLength);
            this.windowStart = this.pos;
        }
        const at = this.pos - this.windowStart;
        this.pos += n;
        return { view: this.view, at, bytes: this.window.subarray(at, at + n) };
    }

    public u32(field: string): number {
        const { view, at } = this.take(4, field);
        return view.getUint32(at, true);
    }

    /** A u64 that must fit a safe integer (counts, lengths, offsets, dims). */
    public u64(field: string): number {
        const { view, at } = this.take(8, field);
        const v = view.getBigUint64(at, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
            throw new GgufError(this.source.name, field, `${v} is beyond any real size`);
        }
        return Number(v);
    }

    public string(field: string): string {
        const len = this.u64(`${field} (string length)`);
        const { bytes } = this.take(len, field);
        try {
            return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
            throw new GgufError(this.source.name, field, "string is not valid UTF-8");
        }
    }

    public scalar(type: GgufScalarType, field: string): GgufScalar {
        if (type === GgufValueType.STRING) {
            return this.string(field);
        }
        const size = GGUF_SCALAR_BYTES[type];
        if (size === undefined) {
            throw new GgufError(this.source.name, field, `unknown value type ${type as number}`);
        }
        const { view, at } = this.take(size, field);
        switch (type) {
            case GgufValueType.UINT8: return view.getUint8(at);
            case GgufValueType.INT8: return view.getInt8(at);
            case GgufValueType.UINT16: return view.getUint16(at, true);
            case GgufValueType.INT16: return view.getInt16(at, true);
            case GgufValueType.UINT32: return view.getUint32(at, true);
            case GgufValueType.INT32: return view.getInt32(at, true);
            case GgufValueType.FLOAT32: return view.getFloat32(at, true);
            case GgufValueType.UINT64: return view.getBigUint64(at, true);
            case GgufValueType.INT64: return view.getBigInt64(at, true);
            case GgufValueType.FLOAT64: return view.getFloat64(at, true);
            case GgufValueType.BOOL: {
                const b = view.getUint8(at);
                if (b > 1) {
                    throw new GgufError(this.source.name, field, `bool must be 0 or 1, got ${b}`);
                }
                return b === 1;
            }
        }
    }
}

function valueType(file: string, raw: number, field: string): GgufValueType {
    if (!Number.isInteger(raw) || raw < 0 || raw > GgufValueType.FLOAT64) {
        throw new GgufError(file, field, `unknown value type ${raw}`);
    }
    return raw as GgufValueType;
}

function readValue(c: Cursor, file: string, key: string): GgufValue {
    const type = valueType(file, c.u32(`${key} (type)`), key);
    if (type !== GgufValueType.ARRAY) {
        return { type, value: c.scalar(type, key) };
    }
    const itemType = valueType(file, c.u32(`${key} (array item type)`), key);
    if (itemType === GgufValueType.ARRAY) {
        throw new GgufError(file, key, "nested arrays are not supported (nor by llama.cpp)");
    }
    const count = c.u64(`${key} (array length)`);
    const minItem = GGUF_SCALAR_BYTES[itemType] ?? 8; // a string needs at least its 8-byte length
    if (count * minItem > c.remaining) {
        throw new GgufError(file, key, `array of ${count} items cannot fit in the ${c.remaining} bytes left`);
    }
    const value: GgufScalar[] = new Array<GgufScalar>(count);
    for (let i = 0; i < count; i++) {
        value[i] = c.scalar(itemType, key);
    }
    return { type, itemType, value };
}

export function parseGgufHeader({ source, readTensorInfo = true }: ParseGgufOptions): GgufHeader {
    const file = source.name;
    const c = new Cursor(source);
    const magic = c.u32("magic");
    if (magic !== GGUF_MAGIC) {
        throw new GgufError(file, "magic", `0x${magic.toString(16).padStart(8, "0")} is not "GGUF": not a GGUF file`);
    }
    const version = c.u32("version");
    if (version !== 2 && version !== 3) {
        throw new GgufError(file, "version", `version ${version} is not supported (2 or 3)`);
    }
    const tensorCount = c.u64("tensor_count");
    const kvCount = c.u64("metadata_kv_count");
    // Smallest possible entries: a tensor info is 8+1+4+8+4+8 bytes, a key/value 8+1+4+1.
    if (tensorCount * 33 > c.remaining) {
        throw new GgufError(file, "tensor_count", `${tensorCount} tensors cannot fit in a ${source.size}-byte file`);
    }
    if (kvCount * 14 > c.remaining) {
        throw new GgufError(file, "metadata_kv_count", `${kvCount} key/values cannot fit in a ${source.size}-byte file`);
    }
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < kvCount; i++) {
        const key = c.string(`metadata key ${i}`);
        if (metadata.has(key)) {
            throw new GgufError(file, key, "duplicate metadata key");
        }
        metadata.set(key, readValue(c, file, key));
    }
    const alignment = readAlignment(file, metadata);
    const tensors: GgufTensorInfo[] = [];
    if (readTensorInfo) {
        const names = new Set<string>();
        for (let i = 0; i < tensorCount; i++) {
            const t = readTensorInfoAt(c, file, i, alignment);
            if (names.has(t.name)) {
                throw new GgufError(file, t.name, "duplicate tensor name");
            }
            names.add(t.name);
            tensors.push(t);
        }
    }
    const dataStart = Math.ceil(c.pos / alignment) * alignment;
    if (readTensorInfo) {
        checkDataBounds(file, tensors, Math.max(0, source.size - dataStart));
    }
    return { version, metadata, tensors, alignment, dataStart };
}

function readAlignment(file: string, metadata: Map<string, GgufValue>): number {
    const a = metadata.get("general.alignment");
    if (a === undefined) {
        return GGUF_DEFAULT_ALIGNMENT;
    }
    if (a.type !== GgufValueType.UINT32 || typeof a.value !== "number" || a.value === 0 || (a.value & (a.value - 1)) !== 0) {
        throw new GgufError(file, "general.alignment", `must be a u32 power of two, got ${JSON.stringify(String(a.value))}`);
    }
    return a.value;
}

function readTensorInfoAt(c: Cursor, file: string, i: number, alignment: number): GgufTensorInfo {
    const name = c.string(`tensor ${i} name`);
    if (Buffer.byteLength(name) >= GGML_MAX_NAME || name.length === 0) {
        throw new GgufError(file, `tensor ${i} name`, `name must be 1 to ${GGML_MAX_NAME - 1} bytes, got ${Buffer.byteLength(name)}`);
    }
    const nDims = c.u32(`${name}.n_dims`);
    if (nDims < 1 || nDims > GGML_MAX_DIMS) {
        throw new GgufError(file, `${name}.n_dims`, `${nDims} dimensions; GGML allows 1 to ${GGML_MAX_DIMS}`);
    }
    const dims: number[] = [];
    let count = 1;
    for (let d = 0; d < nDims; d++) {
        const dim = c.u64(`${name}.dims[${d}]`);
        count *= dim;
        if (!Number.isSafeInteger(count)) {
            throw new GgufError(file, `${name}.dims`, "element count overflows");
        }
        dims.push(dim);
    }
    const rawType = c.u32(`${name}.type`);
    if (!isGgmlType(rawType)) {
        throw new GgufError(file, `${name}.type`, `unknown or unsupported ggml type ${rawType}`);
    }
    const [block, blockBytes] = GGML_BLOCK[rawType];
    if (dims[0]! % block !== 0) {
        throw new GgufError(file, `${name}.dims[0]`, `${dims[0]} is not a multiple of the ${block}-value block of type ${GgmlType[rawType]}`);
    }
    const offset = c.u64(`${name}.offset`);
    if (offset % alignment !== 0) {
        throw new GgufError(file, `${name}.offset`, `${offset} is not a multiple of the alignment ${alignment}`);
    }
    const byteSize = (count / block) * blockBytes;
    return { name, dims, type: rawType, offset, byteSize };
}

function checkDataBounds(file: string, tensors: readonly GgufTensorInfo[], dataSize: number): void {
    const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
    let end = 0;
    for (const t of sorted) {
        if (t.offset < end) {
            throw new GgufError(file, `${t.name}.offset`, `data at ${t.offset} overlaps the previous tensor (ends at ${end})`);
        }
        end = t.offset + t.byteSize;
        if (end > dataSize) {
            throw new GgufError(file, `${t.name}.offset`, `data [${t.offset}, ${end}) is outside the ${dataSize}-byte data section`);
        }
    }
}
