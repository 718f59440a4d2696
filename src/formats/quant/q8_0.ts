/**
 * GGML Q8_0: blocks of 32 values stored as an f16 scale d followed by 32 int8 quants (34 bytes per block).
 * Quantization follows llama.cpp's reference `quantize_row_q8_0_ref` (and gguf-py's numpy version):
 * amax = max|x|, d = amax / 127, id = d ? 1/d : 0, q = roundf(x * id) (half away from zero), all in float32;
 * the stored scale is d rounded to f16. Dequantization is x = f16(d) * q.
 */
import { f16BitsToF32, f32ToF16Bits } from "./halfFloat.js";

export const Q8_0_BLOCK = 32;
export const Q8_0_BLOCK_BYTES = 34;

/** Bytes of `n` values (n a multiple of 32). */
export function q8_0ByteSize(n: number): number {
    return (n / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
}

export function quantizeQ8_0(src: Float32Array, out: Uint8Array = new Uint8Array(q8_0ByteSize(src.length))): Uint8Array {
    if (src.length % Q8_0_BLOCK !== 0) {
        throw new RangeError(`Q8_0 needs a multiple of ${Q8_0_BLOCK} values, got ${src.length}`);
    }
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const nb = src.length / Q8_0_BLOCK;
    for (let b = 0; b < nb; b++) {
        const base = b * Q8_0_BLOCK;
        let amax = 0;
        for (let j = 0; j < Q8_0_BLOCK; j++) {
            amax = Math.max(amax, Math.abs(src[base + j]!));
        }
        const d = Math.fround(amax / 127);
        const id = d !== 0 ? Math.fround(1 / d) : 0;
        const o = b * Q8_0_BLOCK_BYTES;
        view.setUint16(o, f32ToF16Bits(d), true);
        for (let j = 0; j < Q8_0_BLOCK; j++) {
            const x = Math.fround(src[base + j]! * id);
            // roundf: half away from zero (Math.round rounds half up)
            view.setInt8(o + 2 + j, Math.sign(x) * Math.floor(Math.abs(x) + 0.5));
        }
    }
    return out;
}

export function dequantizeQ8_0(src: Uint8Array, n: number, out: Float32Array = new Float32Array(n)): Float32Array {
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0; b < n / Q8_0_BLOCK; b++) {
        const o = b * Q8_0_BLOCK_BYTES;
        const d = f16BitsToF32(view.getUint16(o, true));
        for (let j = 0; j < Q8_0_BLOCK; j++) {
            out[b * Q8_0_BLOCK + j] = d * view.getInt8(o + 2 + j);
        }
    }
    return out;
}
