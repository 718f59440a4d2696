// The AVX-512 variant (F, BW, VL, VNNI): kernelsImpl.inc over __m512 (W = 16), GEMM micro-tile 12 x 32 (24
// accumulators of the 32 zmm registers), Q8_0 by vpdpbusd. Compiled for avx512f/bw/vl/vnni,fma,f16c by the
// target pragma below (no per-file compiler flags needed), selected at run time only when the CPU and OS
// report AVX-512 F/BW/VL and VNNI (every AVX-512 CPU since Cascade Lake and Zen 4; older ones run avx2).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "KernelTable.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")
// GCC 12 warns falsely about _mm256_undefined_pd inside the AVX-512 extract intrinsics (maybe- or certainly-).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace mellama {
namespace avx512 {

#include "half.inc"

struct S {
    using V = __m512;
    static constexpr int W = 16;
    static constexpr int MR = 12;
    static constexpr int NV = 2;
    // r[0..15] = the transpose of the 16 x 16 block r[0..15] (row i, lane j -> row j, lane i): packB's weight rows
    // to k-major panels. Four rounds of 16 shuffles: 32-bit, 64-bit and twice 128-bit interleaves.
    static constexpr bool kTransposeW = true;
    static void transposeW(V* r) {
        __m512 t[16];
        for (int i = 0; i < 16; i += 2) {
            t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
            t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
        }
        // per 128-bit lane, t[2p] = (a0 b0 a1 b1), t[2p + 1] = (a2 b2 a3 b3) for rows a = 2p, b = 2p + 1
        __m512 u[16];
        for (int i = 0; i < 16; i += 4) {
            for (int h = 0; h < 2; h++) {
                const __m512d x = _mm512_castps_pd(t[i + h]), y = _mm512_castps_pd(t[i + 2 + h]);
                u[i + 2 * h] = _mm512_castpd_ps(_mm512_unpacklo_pd(x, y));
                u[i + 2 * h + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(x, y));
            }
        }
        // per 128-bit lane, u[4g + c] = column c (of that lane's four) of rows 4g .. 4g + 3
        __m512 w[16];
        for (int g = 0; g < 4; g += 2) {
            for (int c = 0; c < 4; c++) {
                w[4 * g + c] = _mm512_shuffle_f32x4(u[4 * g + c], u[4 * g + 4 + c], 0x88);
                w[4 * g + 4 + c] = _mm512_shuffle_f32x4(u[4 * g + c], u[4 * g + 4 + c], 0xdd);
            }
        }
        // w[c] = columns (c, 8 + c) of rows 0..3, then of rows 4..7; w[4 + c] the same of columns (4 + c, 12 + c);
        // w[8 + c], w[12 + c] likewise of rows 8..15
        for (int c = 0; c < 4; c++) {
            r[c] = _mm512_shuffle_f32x4(w[c], w[8 + c], 0x88);
            r[4 + c] = _mm512_shuffle_f32x4(w[4 + c], w[12 + c], 0x88);
            r[8 + c] = _mm512_shuffle_f32x4(w[c], w[8 + c], 0xdd);
            r[12 + c] = _mm512_shuffle_f32x4(w[4 + c], w[12 + c], 0xdd);
        }
    }
    static V zero() { return _mm512_setzero_ps(); }
    static V set1(float x) { return _mm512_set1_ps(x); }
    static V load(const float* p) { return _mm512_loadu_ps(p); }
    static void store(float* p, V x) { _mm512_storeu_ps(p, x); }
    static V add(V a, V b) { return _mm512_add_ps(a, b); }
    static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
    static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
    static V div(V a, V b) { return _mm512_div_ps(a, b); }
    static V min(V a, V b) { return _mm512_min_ps(a, b); }
    static V max(V a, V b) { return _mm512_max_ps(a, b); }
    static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
    static V sqrt(V a) { return _mm512_sqrt_ps(a); }
    static V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static V pow2n(V n) {
        const __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
        return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
    }
    static float hsum(V a) {
        // halves added pairwise (not _mm512_reduce_add_ps, whose order differs between compilers)
        __m256 h = _mm256_add_ps(_mm512_castps512_ps256(a),
                                 _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
    static float hmax(V a) {
        __m256 h = _mm256_max_ps(_mm512_castps512_ps256(a),
                                 _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
        __m128 s = _mm_max_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        s = _mm_max_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
    static V exp(V a);
    static V loadHalf(const uint16_t* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
    static V loadBF16(const uint16_t* p) {
        const __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
        return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
    }
    static float halfScalar(uint16_t h) { return _cvtsh_ss(h); }
    static V loadI8(const int8_t* p) {
        return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
    }
};

// Integer lanes for matmulQ8_0 (q8Impl.inc): 16 int32 lanes, each the running sum of one output channel.
// vpdpbusd multiplies unsigned by signed bytes, so weights are packed with the sign bit flipped (kXor) and
// the activation broadcast (an embedded {1to16} operand) stays signed; the block's correction undoes the +128.
struct Q8 {
    using I = __m512i;
    static constexpr uint32_t kXor = 0x80808080u;
    static constexpr int RN = 8;  // rows per tile: 8 int + 8 float accumulators, the weights and scales
    static I set1(int32_t v) { return _mm512_set1_epi32(v); }
    static I add(I a, I b) { return _mm512_add_epi32(a, b); }
    static I load(const uint8_t* p) { return _mm512_loadu_si512(p); }
    static I dot4(I acc, I w, const int8_t* x4) {
        int32_t x;
        std::memcpy(&x, x4, sizeof x);
        return _mm512_dpbusd_epi32(acc, w, _mm512_set1_epi32(x));
    }
    static S::V toFloat(I a) { return _mm512_cvtepi32_ps(a); }
    // One block of 16 full rows (blk: row 0's block; row o at blk + o * rowBytes) as 8 vectors (the packed layout,
    // 8 x Q8V in general), vector g holding quants 4g..4g+3 of rows 0..15 with their sign bits flipped: a 16 x 8 transpose of dwords in registers (an
    // 8 x 8 transpose in each 256-bit half, rows paired so that the last 128-bit shuffle leaves them in order).
    static constexpr bool kFastPack = true;
    static void loadBlock16(I* g, const uint8_t* blk, int64_t rowBytes) {
        auto row = [&](int o) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + o * rowBytes + 2)); };
        auto pair = [&](int lo, int hi) { return _mm512_inserti64x4(_mm512_castsi256_si512(row(lo)), row(hi), 1); };
        // halves: z0..z3 rows (0|4) (1|5) (2|6) (3|7), z4..z7 rows (8|12) (9|13) (10|14) (11|15)
        const __m512i z0 = pair(0, 4), z1 = pair(1, 5), z2 = pair(2, 6), z3 = pair(3, 7);
        const __m512i z4 = pair(8, 12), z5 = pair(9, 13), z6 = pair(10, 14), z7 = pair(11, 15);
        const __m512i flip = _mm512_set1_epi32((int)kXor);
        auto half = [&](__m512i a, __m512i b, __m512i c, __m512i d, __m512i* u) {
            const __m512i t0 = _mm512_unpacklo_epi32(a, b), t1 = _mm512_unpackhi_epi32(a, b);
            const __m512i t2 = _mm512_unpacklo_epi32(c, d), t3 = _mm512_unpackhi_epi32(c, d);
            u[0] = _mm512_unpacklo_epi64(t0, t2);  // per 128-bit lane: dword 0 (or 4) of the four rows
            u[1] = _mm512_unpackhi_epi64(t0, t2);
            u[2] = _mm512_unpacklo_epi64(t1, t3);
            u[3] = _mm512_unpackhi_epi64(t1, t3);
        };
        __m512i p[4], q[4];
        half(z0, z1, z2, z3, p);
        half(z4, z5, z6, z7, q);
        for (int m = 0; m < 4; m++) {
            g[m] = _mm512_xor_si512(_mm512_shuffle_i32x4(p[m], q[m], 0x88), flip);
            g[m + 4] = _mm512_xor_si512(_mm512_shuffle_i32x4(p[m], q[m], 0xdd), flip);
        }
    }
    // Batch-1 decoding (q8PanelOneRow): the 16 rows' exact block sums sum((w + 128) * x) as one vector, lane o
    // for row o, without the transpose: each of 8 vectors pairs two rows' 32 quants (rows o | o + 4 for o in 0..3
    // and 8..11, as in loadBlock16), vpdpbusd against the activation block broadcast to both
    // halves leaves 8 partial sums per row, and three levels of unpack-and-add (14 shuffles instead of
    // loadBlock16's 40) fold them into lanes that fall in row order. Integer adds: exact in any order.
    static constexpr bool kRowSums = true;
    // per 128-bit lane: dword pairs of a and b summed, interleaved (a, b, a, b)
    static I fold32(I a, I b) { return _mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b)); }
    // per 128-bit lane: the 4-dword sums of the four rows behind a and b, in order (a0, a1, b0, b1)
    static I fold64(I a, I b) { return _mm512_add_epi32(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b)); }
    static I blockSums16(const uint8_t* blk, int64_t rowBytes, const int8_t* x32) {
        const __m512i x = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x32)));
        const __m512i flip = _mm512_set1_epi32((int)kXor);
        auto row = [&](int o) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + o * rowBytes + 2)); };
        auto pair = [&](int lo, int hi) {
            const __m512i w = _mm512_inserti64x4(_mm512_castsi256_si512(row(lo)), row(hi), 1);
            return _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_xor_si512(w, flip), x);
        };
        // lanes 0, 1 of u hold rows 0..3 (two halves of each row), lanes 2, 3 rows 4..7; v likewise rows 8..15
        const __m512i u = fold64(fold32(pair(0, 4), pair(1, 5)), fold32(pair(2, 6), pair(3, 7)));
        const __m512i v = fold64(fold32(pair(8, 12), pair(9, 13)), fold32(pair(10, 14), pair(11, 15)));
        return _mm512_add_epi32(_mm512_shuffle_i32x4(u, v, 0x88), _mm512_shuffle_i32x4(u, v, 0xdd));
    }
    static void packBlock(uint8_t* dst, const uint8_t* blk, int64_t rowBytes) {
        I g[8];
        loadBlock16(g, blk, rowBytes);
        for (int m = 0; m < 8; m++) {
            _mm512_storeu_si512(dst + m * 64, g[m]);
        }
    }
    // The 16 rows' half scales of one block, gathered by scalar loads through the stack: vpgatherdd is microcoded
    // slowly on CPUs with the gather-data-sampling mitigation, and was the longest step of batch-1 decoding there.
    static __m256i scaleBits(const uint8_t* blk, int64_t rowBytes) {
        alignas(32) uint16_t d[16];
        for (int o = 0; o < 16; o++) {
            std::memcpy(d + o, blk + o * rowBytes, 2);
        }
        return _mm256_load_si256(reinterpret_cast<const __m256i*>(d));
    }
    // Packing for prompts copies the 16 halves straight to the packed chunk (read much later): going through a
    // vector as scaleBits does would reload 16 fresh 2-byte stores as one 32-byte load, which cannot be forwarded.
    static void packScales(uint16_t* pd, const uint8_t* blk, int64_t rowBytes) {
        for (int o = 0; o < 16; o++) {
            std::memcpy(pd + o, blk + o * rowBytes, 2);
        }
    }
    static void scales(S::V* dw, const uint8_t* blk, int64_t rowBytes) { dw[0] = _mm512_cvtph_ps(scaleBits(blk, rowBytes)); }
};

#include "expPoly.inc"
inline S::V S::exp(V a) { return expPoly<S>(a); }

#define MELLAMA_VARIANT_NAMESPACE avx512
#define MELLAMA_VARIANT_NAME "avx512"
#define MELLAMA_QUANT_AVX2 1    // quantImpl.inc: vpmaddubsw dot products
#define MELLAMA_QUANT_AVX512 1  // quantSimdImpl.inc: 512-bit vectors, vpdpwssd / vpdpbusd
#include "kernelsImpl.inc"
#undef MELLAMA_QUANT_AVX512
#undef MELLAMA_QUANT_AVX2

}  // namespace avx512
}  // namespace mellama

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace mellama {
const KernelTable* avx512Kernels() { return &avx512::kTable; }
}  // namespace mellama

#else
namespace mellama {
const KernelTable* avx512Kernels() { return nullptr; }
}  // namespace mellama
#endif
