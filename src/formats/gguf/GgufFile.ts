/**
 * An open GGUF file: the validated header in memory, typed metadata accessors, tensor data read on demand (one
 * positioned read per tensor) and decoded to float32 from F32, F16, BF16 or any of ggml's quantized block types
 * Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K..Q6_K. A quantized tensor's scales are checked as it is read: a NaN or Inf
 * scale is an error naming the tensor and block.
 */
import { findBadScale } from "../quant/checkScales.js";
import { dequantizeGgml, isStorageType } from "../quant/ggmlQuant.js";
import { type ByteSource, fileSource } from "../safetensors/ByteSource.js";
import { GgufError } from "./GgufError.js";
import { GgmlType, type GgufScalar, type GgufTensorInfo, type GgufValue, GgufValueType } from "./ggufTypes.js";
import { type GgufHeader, parseGgufHeader } from "./parseGguf.js";

export class GgufFile {
    public readonly header: GgufHeader;
    private readonly byName = new Map<string, GgufTensorInfo>();

    public constructor(private readonly source: ByteSource) {
        this.header = parseGgufHeader({ source });
        for (const t of this.header.tensors) {
            this.byName.set(t.name, t);
        }
    }

    public static open(path: string): GgufFile {
        const source = fileSource(path);
        try {
            return new GgufFile(source);
        } catch (error) {
            source.close();
            throw error;
        }
    }

    public get name(): string {
        return this.source.name;
    }

    public get metadata(): ReadonlyMap<string, GgufValue> {
        return this.header.metadata;
    }

    public get tensors(): readonly GgufTensorInfo[] {
        return this.header.tensors;
    }

    public has(name: string): boolean {
        return this.byName.has(name);
    }

    public info(name: string): GgufTensorInfo {
        const t = this.byName.get(name);
        if (t === undefined) {
            throw new GgufError(this.source.name, name, "no such tensor in this file");
        }
        return t;
    }

    /** A scalar metadata value, or undefined; throws naming the key if it has another shape. */
    public scalar(key: string): GgufScalar | undefined {
        const v = this.header.metadata.get(key);
        if (v !== undefined && v.type === GgufValueType.ARRAY) {
            throw new GgufError(this.source.name, key, "expected a single value, found an array");
        }
        return v?.value;
    }

    /** A required numeric metadata value. */
    public number(key: string, fallback?: number): number {
        const v = this.scalar(key) ?? fallback;
        if (typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)) {
            return Number(v);
        }
        if (typeof v !== "number") {
            throw new GgufError(this.source.name, key, v === undefined ? "missing" : `must be a number, got ${typeof v}`);
        }
        return v;
    }

    public array(key: string): GgufScalar[] | undefined {
        const v = this.header.metadata.get(key);
        if (v === undefined) {
            return undefined;
        }
        if (v.type !== GgufValueType.ARRAY) {
            throw new GgufError(this.source.name, key, "expected an array");
        }
        return v.value;
    }

    /** The tensor's stored bytes, into `out` when given; a quantized tensor's block scales must be finite. */
    public readBytes(name: string, out?: Uint8Array): Uint8Array {
        const t = this.info(name);
        const bytes = this.source.read(this.header.dataStart + t.offset, t.byteSize, name, out);
        const bad = findBadScale(t.type, bytes);
        if (bad !== null) {
            throw new GgufError(this.source.name, name, `block ${bad.block} has a${bad.value === "Inf" ? "n" : ""} ${bad.value} scale (${bad.field}): the tensor's data is corrupt`);
        }
        return bytes;
    }

    /** The tensor's stored bytes mapped from the file without a copy, or null (see ByteSource.map). */
    public mapBytes(name: string): Uint8Array | null {
        const t = this.info(name);
        return this.source.map(this.header.dataStart + t.offset, t.byteSize, name);
    }

    /** The tensor as float32, in ggml order (dims[0] fastest), i.e. row-major in the reversed (PyTorch) shape. */
    public readF32(name: string): Float32Array {
        const t = this.info(name);
        const n = t.dims.reduce((a, b) => a * b, 1);
        if (!isStorageType(t.type)) {
            throw new GgufError(this.source.name, `${name}.type`, `ggml type ${GgmlType[t.type]} cannot be converted to float32 by mellama (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K..Q6_K)`);
        }
        return dequantizeGgml(t.type, this.readBytes(name), n);
    }

    public close(): void {
        this.source.close();
    }

    public [Symbol.dispose](): void {
        this.close();
    }
}
