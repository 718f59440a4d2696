/**
 * DecodeKernels: the kernels inference needs beyond KernelSet (batch-1 decoding and prompt processing from
 * quantized GGUF weights). Same conventions as KernelSet: outputs first, shapes last, no allocation, `=`
 * semantics. Implemented by the native set (createNativeKernels) and, as the definition of correct, by
 * referenceDecodeKernels (plain TypeScript).
 *
 * Every matmul accepts any row count N: batch-1 decode (N = 1), batched decode (N ≤ 16) and prompt processing
 * (larger N). Weight formats (GGUF / ggml):
 *   F16   Uint16Array of IEEE binary16 bits, (OC, C) row-major.
 *   BF16  Uint16Array of bfloat16 bits (the top 16 bits of a float32), (OC, C) row-major.
 *   Q8_0  Uint8Array of blocks of 32 weights: {d: f16 scale (2 bytes, little endian), qs: 32 x int8}, 34 bytes,
 *         weight = d * qs[i]; each of the OC rows is C/32 consecutive blocks (C % 32 == 0).
 */
export const Q8_0_BLOCK = 32;
/** Up to this many rows the F16 / BF16 matmuls sum each row exactly as they sum a lone row (batched decode). */
export const DECODE_ROWS = 16;
export const Q8_0_BLOCK_BYTES = 34;

/** ggml type numbers matmulQuant computes: Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K. */
export const QUANT_KERNEL_TYPES = [2, 3, 6, 7, 10, 11, 12, 13, 14] as const;
export type QuantKernelType = (typeof QUANT_KERNEL_TYPES)[number];

export interface DecodeKernels {
    /**
     * out (N, OC) = inp (N, C) · weight (OC, C)ᵀ, weight as F16 bits, float32 sums of exact products. For N ≤ 16
     * (DECODE_ROWS) each row's sums are formed as for N = 1 (bitwise the same whatever N and the row's place); for
     * N > 16 the F32 GEMM runs on weights converted while its panels are packed: another summation order, within
     * float32 rounding of the reference (conformance: 1e-5 of the largest output).
     */
    matmulF16(out: Float32Array, inp: Float32Array, weight: Uint16Array, N: number, C: number, OC: number): void;

    /** out (N, OC) = inp (N, C) · weight (OC, C)ᵀ, weight as BF16 bits; sums and N thresholds as matmulF16. */
    matmulBF16(out: Float32Array, inp: Float32Array, weight: Uint16Array, N: number, C: number, OC: number): void;

    /**
     * out (N, OC) ≈ inp (N, C) · weight (OC, C)ᵀ, weight as Q8_0 blocks; C % 32 == 0. Integer dot products over
     * activations quantized to 8 bits, as llama.cpp computes Q8_0 on x86 (ggml's q8_0 activations):
     *   each input row, in blocks of 32 values: amax = max |x|; dx = half(amax / 127) (float32 division, rounded to
     *   binary16 to nearest, ties to even); id = amax ≠ 0 ? 127 / amax : 0 (float32); q = round-half-to-even(x · id)
     *   (float32 product), so |q| ≤ 127;
     *   out[n][o] = Σ over blocks b in order of isum(b) · (dw(b) · dx(b)), where isum is the exact integer dot
     *   product of the 32 weight quants and the 32 activation quants, dw the weight block's scale, and the sum is
     *   one float32 accumulator starting at 0 (the SIMD paths fuse each multiply-add; dw · dx is exact).
     * The result thus differs from the unquantized product by the activations' 8-bit rounding (about 0.5 % of a
     * block's magnitude per block, averaging down), and every output is the same float operations whatever N, the
     * row's place in the batch and the thread count: a row's bits do not depend on the batch, for any N.
     */
    matmulQ8_0(out: Float32Array, inp: Float32Array, weight: Uint8Array, N: number, C: number, OC: number): void;

    /**
     * out (N, OC) ≈ inp (N, C) · weight (OC, C)ᵀ, weight as ggml blocks of `type` (QUANT_KERNEL_TYPES: the ggml
     * type numbers of Q4_0, Q4_1, Q5_0, Q5_1 (blocks of 32) and Q2_K, Q3_K, Q4_K, Q5_K, Q6_K (super-blocks of
     * 256)); C a multiple of the block. Integer dot products over activations quantized to 8 bits, as llama.cpp
     * computes these types on x86:
     *   K-quants: activations as ggml's Q8_K, per 256 values: m = the value of largest magnitude, iscale = -127 / m,
     *   q = min(127, round-half-to-even(iscale · x)), dx = 1 / iscale (float32; a zero block has dx = 0);
     *   legacy types: activations as matmulQ8_0's (blocks of 32, dx = half(amax / 127));
     *   out[n][o] = Σ over blocks of the exact integer sum of weight level × activation quant per group, scaled by
     *   its group scale, times (d · dx), minus the mins' term (dmin · dx · Σ m_g · Σ q over group g) for Q2_K,
     *   Q4_K, Q5_K, plus (m · dx · Σ q) for Q4_1, Q5_1; float32 accumulators in a fixed order per output (the
     *   SIMD paths: 8 lanes of the integer sums, scaled by fused multiply-adds, summed at the end, the same bits on
     *   AVX2 and AVX-512), so a row's bits do not depend on N, its place in the batch or the thread count.
     * Equivalently: the weights dequantized exactly (float64) times the dequantized activations (dx · q).
     */
    matmulQuant(out: Float32Array, inp: Float32Array, weight: Uint8Array, type: QuantKernelType, N: number, C: number, OC: number): void;

    /**
     * Causal grouped-query attention of T new query rows at positions pos0 .. pos0+T-1 over a KV cache:
     * q and out (T, NH, HS); kCache and vCache (maxT, NKV, HS), indexed by position, already holding positions
     * [0, pos0 + T) (the new rows' keys and values included). Query t attends to positions [0, pos0 + t].
     */
    attentionForwardCached(out: Float32Array, q: Float32Array, kCache: Float32Array, vCache: Float32Array,
        T: number, pos0: number, NH: number, NKV: number, HS: number): void;
}
