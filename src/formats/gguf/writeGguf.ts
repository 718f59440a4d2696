/**
 * Writes a GGUF v3 file: header (magic, version, counts), metadata key/values in the order given, tensor infos,
 * padding to `general.alignment` (default 32), then each tensor's data, each padded to the alignment, produced
 * by its `data` callback only when it is written (streaming: the model is never held twice). Temp name + rename.
 */
import { ConfigError } from "../../errors/MellamaError.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import {
    GGML_MAX_DIMS, GGML_MAX_NAME, GGUF_DEFAULT_ALIGNMENT, type GgmlType, type GgufScalar, type GgufScalarType, type GgufValue,
    GgufValueType, ggmlByteSize,
} from "./ggufTypes.js";
import { GGUF_MAGIC } from "./parseGguf.js";

export interface GgufTensorInput {
    name: string;
    type: GgmlType;
    /** ggml order, fastest-varying first. */
    dims: readonly number[];
    data: Uint8Array | (() => Uint8Array);
}

export interface WriteGgufOptions {
    metadata: ReadonlyMap<string, GgufValue> | Iterable<readonly [string, GgufValue]>;
    tensors: readonly GgufTensorInput[];
}

/** Grows as needed; the header of a LLaMA GGUF is a few MB at most (the vocabulary). */
class ByteWriter {
    private buf = new Uint8Array(1 << 16);
    private view = new DataView(this.buf.buffer);
    public length = 0;

    private reserve(n: number): number {
        if (this.length + n > this.buf.byteLength) {
            const next = new Uint8Array(Math.max(this.buf.byteLength * 2, this.length + n));
            next.set(this.buf.subarray(0, this.length));
            this.buf = next;
            this.view = new DataView(next.buffer);
        }
        const at = this.length;
        this.length += n;
        return at;
    }

    /** Where the bytes of the last `at` call start. */
    private last = 0;

    /** Reserves n bytes and returns the view to write them with: reserve first, since growing replaces the buffer. */
    private at(n: number): DataView {
        this.last = this.reserve(n);
        return this.view;
    }

    public u32(v: number): void { this.at(4).setUint32(this.last, v, true); }
    public u64(v: number | bigint): void { this.at(8).setBigUint64(this.last, BigInt(v), true); }
    public bytes(b: Uint8Array): void {
        const at = this.reserve(b.byteLength); // before reading this.buf: reserve may replace it
        this.buf.set(b, at);
    }
    public string(s: string): void {
        const b = Buffer.from(s, "utf8");
        this.u64(b.byteLength);
        this.bytes(b);
    }

    public scalar(type: GgufScalarType, v: GgufScalar, key: string): void {
        const bad = (): never => {
            throw new ConfigError(`metadata.${key}`, `value ${String(v)} does not fit type ${GgufValueType[type]}`);
        };
        if (type === GgufValueType.STRING) {
            return typeof v === "string" ? this.string(v) : bad();
        }
        if (type === GgufValueType.BOOL) {
            return typeof v === "boolean" ? this.bytes(Uint8Array.of(v ? 1 : 0)) : bad();
        }
        if (type === GgufValueType.UINT64 || type === GgufValueType.INT64) {
            if (typeof v !== "bigint" && !(typeof v === "number" && Number.isSafeInteger(v))) {
                bad();
            }
            const view = this.at(8);
            return type === GgufValueType.UINT64 ? view.setBigUint64(this.last, BigInt(v), true) : view.setBigInt64(this.last, BigInt(v), true);
        }
        if (typeof v !== "number") {
            return bad();
        }
        const isFloat = type === GgufValueType.FLOAT32 || type === GgufValueType.FLOAT64;
        if (!isFloat && !Number.isInteger(v)) {
            bad();
        }
        switch (type) {
            case GgufValueType.UINT8: return this.at(1).setUint8(this.last, v);
            case GgufValueType.INT8: return this.at(1).setInt8(this.last, v);
            case GgufValueType.UINT16: return this.at(2).setUint16(this.last, v, true);
            case GgufValueType.INT16: return this.at(2).setInt16(this.last, v, true);
            case GgufValueType.UINT32: return this.at(4).setUint32(this.last, v, true);
            case GgufValueType.INT32: return this.at(4).setInt32(this.last, v, true);
            case GgufValueType.FLOAT32: return this.at(4).setFloat32(this.last, v, true);
            case GgufValueType.FLOAT64: return this.at(8).setFloat64(this.last, v, true);
        }
    }

    public result(): Uint8Array {
        return this.buf.subarray(0, this.length);
    }
}

function entries(metadata: WriteGgufOptions["metadata"]): [string, GgufValue][] {
    return [...(metadata instanceof Map ? metadata.entries() : metadata)].map(([k, v]) => [k, v]);
}

/** The header bytes (through the padding before the data) and each tensor's offset. */
export function ggufHeaderBytes({ metadata, tensors }: WriteGgufOptions): { header: Uint8Array; offsets: number[]; alignment: number } {
    const kvs = entries(metadata);
    const alignValue = kvs.find(([k]) => k === "general.alignment")?.[1];
    const alignment = alignValue === undefined ? GGUF_DEFAULT_ALIGNMENT : Number(alignValue.value);
    const w = new ByteWriter();
    w.u32(GGUF_MAGIC);
    w.u32(3);
    w.u64(tensors.length);
    w.u64(kvs.length);
    for (const [key, value] of kvs) {
        w.string(key);
        w.u32(value.type);
        if (value.type === GgufValueType.ARRAY) {
            w.u32(value.itemType);
            w.u64(value.value.length);
            for (const item of value.value) {
                w.scalar(value.itemType, item, key);
            }
        } else {
            w.scalar(value.type, value.value, key);
        }
    }
    const offsets: number[] = [];
    let offset = 0;
    for (const t of tensors) {
        if (Buffer.byteLength(t.name) >= GGML_MAX_NAME || t.dims.length < 1 || t.dims.length > GGML_MAX_DIMS) {
            throw new ConfigError(`tensors.${t.name}`, `needs a name under ${GGML_MAX_NAME} bytes and 1 to ${GGML_MAX_DIMS} dims`);
        }
        w.string(t.name);
        w.u32(t.dims.length);
        for (const d of t.dims) {
            w.u64(d);
        }
        w.u32(t.type);
        w.u64(offset);
        offsets.push(offset);
        offset += Math.ceil(ggmlByteSize(t.type, t.dims) / alignment) * alignment;
    }
    w.bytes(new Uint8Array(Math.ceil(w.length / alignment) * alignment - w.length));
    return { header: w.result(), offsets, alignment };
}

export function writeGguf(path: string, options: WriteGgufOptions): void {
    const { header, alignment } = ggufHeaderBytes(options);
    atomicWriteFileSync(path, (function* chunks(): Generator<Uint8Array> {
        yield header;
        for (const t of options.tensors) {
            const bytes = typeof t.data === "function" ? t.data() : t.data;
            const expected = ggmlByteSize(t.type, t.dims);
            if (bytes.byteLength !== expected) {
                throw new ConfigError(`tensors.${t.name}`, `${bytes.byteLength} bytes of data, the type and dims need ${expected}`);
            }
            yield bytes;
            yield new Uint8Array(Math.ceil(expected / alignment) * alignment - expected);
        }
    })());
}
