/**
 * Raw little-endian tensor bytes -> Float32Array for the float dtypes mellama computes in (F32, F16, BF16, F64),
 * and float32 -> bytes of a target dtype. Integer dtypes are not weights and are refused here with a typed error.
 */
import { FormatError } from "../../errors/MellamaError.js";
import { bf16ArrayToF32, f16ArrayToF32, f32ArrayToBf16, f32ArrayToF16 } from "../quant/halfFloat.js";

export type FloatDtype = "F32" | "F16" | "BF16";

/** A view of `bytes` as `T`, copying only when the bytes are not aligned for it. */
function aligned(bytes: Uint8Array, align: number): Uint8Array {
    return bytes.byteOffset % align === 0 ? bytes : bytes.slice();
}

export function bytesToF32(bytes: Uint8Array, dtype: string, file: string, field: string): Float32Array {
    switch (dtype) {
        case "F32": {
            const b = aligned(bytes, 4);
            return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
        }
        case "F16": {
            const b = aligned(bytes, 2);
            return f16ArrayToF32(new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2));
        }
        case "BF16": {
            const b = aligned(bytes, 2);
            return bf16ArrayToF32(new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2));
        }
        case "F64": {
            const b = aligned(bytes, 8);
            return Float32Array.from(new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8));
        }
        default:
            throw new FormatError(file, field, `dtype ${dtype} is not a floating-point weight type (F32, F16, BF16, F64)`);
    }
}

export function f32ToBytes(data: Float32Array, dtype: FloatDtype): Uint8Array {
    switch (dtype) {
        case "F32":
            return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        case "F16": {
            const h = f32ArrayToF16(data);
            return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
        }
        case "BF16": {
            const h = f32ArrayToBf16(data);
            return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
        }
    }
}
