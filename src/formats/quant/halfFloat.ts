/**
 * IEEE binary16 (f16) and bfloat16 (bf16) <-> float32 conversions with round-to-nearest-even, matching PyTorch's
 * `.half()` / `.bfloat16()` bit for bit: overflow goes to +-Inf, subnormals are kept, NaN stays NaN (quiet, sign
 * kept). These are per-value helpers plus array versions; they are not kernels (no SIMD), but they touch every
 * weight of an export once, so they avoid allocation per value.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> f16 bits, round to nearest even. */
export function f32ToF16Bits(value: number): number {
    f32[0] = value;
    const x = u32[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
        // Inf stays Inf; NaN becomes a quiet NaN keeping the top mantissa bits (PyTorch/c10 does the same).
        return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
    }
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
        return sign | 0x7c00;
    }
    if (e <= 0) {
        if (e < -10) {
            return sign; // below half the smallest subnormal: rounds to zero
        }
        mant |= 0x800000; // implicit leading one
        const shift = 14 - e;
        const half = 1 << (shift - 1);
        const rest = mant & ((1 << shift) - 1);
        let h = mant >>> shift;
        if (rest > half || (rest === half && (h & 1) === 1)) {
            h += 1;
        }
        return sign | h;
    }
    const rest = mant & 0x1fff;
    let h = (e << 10) | (mant >>> 13);
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) {
        h += 1; // a carry into the exponent is right, up to and including Inf
    }
    return sign | h;
}

/** f16 bits -> float32 value (exact). */
export function f16BitsToF32(h: number): number {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) {
        return sign * mant * 2 ** -24;
    }
    if (exp === 0x1f) {
        return mant === 0 ? sign * Infinity : NaN;
    }
    return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float32 -> bf16 bits, round to nearest even; every NaN becomes 0x7fc0 as c10's round_to_nearest_even does. */
export function f32ToBf16Bits(value: number): number {
    f32[0] = value;
    const x = u32[0]!;
    if ((x & 0x7fffffff) > 0x7f800000) {
        return 0x7fc0;
    }
    return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bf16 bits -> float32 value (exact). */
export function bf16BitsToF32(b: number): number {
    u32[0] = (b & 0xffff) << 16;
    return f32[0]!;
}

export function f32ArrayToF16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
    for (let i = 0; i < src.length; i++) {
        out[i] = f32ToF16Bits(src[i]!);
    }
    return out;
}

export function f16ArrayToF32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
    for (let i = 0; i < src.length; i++) {
        out[i] = f16BitsToF32(src[i]!);
    }
    return out;
}

export function f32ArrayToBf16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
    const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
    for (let i = 0; i < src.length; i++) {
        const x = bits[i]!;
        out[i] = (x & 0x7fffffff) > 0x7f800000 ? 0x7fc0 : ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
    }
    return out;
}

export function bf16ArrayToF32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
    const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < src.length; i++) {
        bits[i] = src[i]! << 16;
    }
    return out;
}
