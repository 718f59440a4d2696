/**
 * Just enough protobuf (proto2 wire format) for SentencePiece's ModelProto: varints, length-delimited fields,
 * fixed32 floats. The reader checks every length against the buffer before it slices or allocates, so a
 * corrupt file fails with a typed error naming the field instead of a crash or a huge allocation.
 */
import { FormatError } from "../errors/MellamaError.js";

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export interface ProtoField {
    number: number;
    wire: number;
    /** varint value (as a number; values above 2^53 lose precision and are never used here). */
    varint: number;
    /** bytes of a length-delimited field, or the 4/8 raw bytes of a fixed field. */
    bytes: Uint8Array;
}

export function readFields(buf: Uint8Array, file: string, context: string): ProtoField[] {
    const out: ProtoField[] = [];
    let pos = 0;
    const varint = (): number => {
        // Small values (the common case) stay in doubles; long ones go through BigInt so that negative int32s,
        // which proto2 sign-extends to 10-byte varints, come back exact.
        let result = 0;
        let mul = 1;
        const start = pos;
        for (let i = 0; i < 10; i++) {
            if (pos >= buf.length) {
                throw new FormatError(file, context, "truncated varint");
            }
            const b = buf[pos++]!;
            if (i < 7) {
                result += (b & 0x7f) * mul;
                mul *= 128;
            }
            if ((b & 0x80) === 0) {
                if (i < 7) {
                    return result;
                }
                let big = 0n;
                for (let k = pos - 1; k >= start; k--) {
                    big = (big << 7n) | BigInt(buf[k]! & 0x7f);
                }
                return big >= 2n ** 63n ? Number(big - 2n ** 64n) : Number(big);
            }
        }
        throw new FormatError(file, context, "varint longer than 10 bytes");
    };
    while (pos < buf.length) {
        const key = varint();
        const number = Math.floor(key / 8);
        const wire = key % 8;
        if (number === 0) {
            throw new FormatError(file, context, "field number 0");
        }
        if (wire === WIRE_VARINT) {
            out.push({ number, wire, varint: varint(), bytes: new Uint8Array(0) });
        } else if (wire === WIRE_LEN) {
            const len = varint();
            if (len > buf.length - pos) {
                throw new FormatError(file, `${context}.${number}`, `length ${len} runs past the end of the data (${buf.length - pos} bytes left)`);
            }
            out.push({ number, wire, varint: 0, bytes: buf.subarray(pos, pos + len) });
            pos += len;
        } else if (wire === WIRE_FIXED32 || wire === WIRE_FIXED64) {
            const len = wire === WIRE_FIXED32 ? 4 : 8;
            if (len > buf.length - pos) {
                throw new FormatError(file, `${context}.${number}`, "truncated fixed-width field");
            }
            out.push({ number, wire, varint: 0, bytes: buf.subarray(pos, pos + len) });
            pos += len;
        } else {
            throw new FormatError(file, `${context}.${number}`, `unsupported wire type ${wire}`);
        }
    }
    return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function fieldString(field: ProtoField, file: string, context: string): string {
    if (field.wire !== WIRE_LEN) {
        throw new FormatError(file, context, "expected a string");
    }
    try {
        return utf8.decode(field.bytes);
    } catch {
        throw new FormatError(file, context, "is not valid UTF-8");
    }
}

export function fieldFloat(field: ProtoField, file: string, context: string): number {
    if (field.wire !== WIRE_FIXED32) {
        throw new FormatError(file, context, "expected a float");
    }
    return new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
}

/** Signed int32 from a varint (the reader already maps sign-extended negatives back). */
export function fieldInt32(field: ProtoField): number {
    return field.varint;
}

export class ProtoWriter {
    private readonly parts: number[] = [];

    private varint(value: number): void {
        let v = value < 0 ? 2n ** 64n + BigInt(value) : BigInt(value);
        while (v >= 0x80n) {
            this.parts.push(Number(v & 0x7fn) | 0x80);
            v >>= 7n;
        }
        this.parts.push(Number(v));
    }

    public uint(number: number, value: number): this {
        this.varint(number * 8 + WIRE_VARINT);
        this.varint(value);
        return this;
    }

    public bool(number: number, value: boolean): this {
        return this.uint(number, value ? 1 : 0);
    }

    public float(number: number, value: number): this {
        this.varint(number * 8 + WIRE_FIXED32);
        const b = new Uint8Array(4);
        new DataView(b.buffer).setFloat32(0, value, true);
        this.parts.push(...b);
        return this;
    }

    public bytes(number: number, value: Uint8Array): this {
        this.varint(number * 8 + WIRE_LEN);
        this.varint(value.length);
        for (const b of value) {
            this.parts.push(b);
        }
        return this;
    }

    public string(number: number, value: string): this {
        return this.bytes(number, new TextEncoder().encode(value));
    }

    public finish(): Uint8Array {
        return Uint8Array.from(this.parts);
    }
}
