// The AVX2 + FMA variant: kernelsImpl.inc over __m256 (W = 8), GEMM micro-tile 6 x 16 (12 accumulators, the
// most that leaves registers for the B row and the broadcast). Compiled for avx2,fma,f16c by the target pragma below
// (no per-file compiler flags needed), selected at run time only when the CPU reports AVX2, FMA and F16C.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "KernelTable.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#endif

namespace mellama {
namespace avx2 {

#include "half.inc"

struct S {
    using V = __m256;
    static constexpr int W = 8;
    static constexpr int MR = 6;
    static constexpr int NV = 2;
    static constexpr bool kTransposeW = false;  // no transposeW: packB transposes element by element
    static V zero() { return _mm256_setzero_ps(); }
    static V set1(float x) { return _mm256_set1_ps(x); }
    static V load(const float* p) { return _mm256_loadu_ps(p); }
    static void store(float* p, V x) { _mm256_storeu_ps(p, x); }
    static V add(V a, V b) { return _mm256_add_ps(a, b); }
    static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
    static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
    static V div(V a, V b) { return _mm256_div_ps(a, b); }
    static V min(V a, V b) { return _mm256_min_ps(a, b); }
    static V max(V a, V b) { return _mm256_max_ps(a, b); }
    static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static V sqrt(V a) { return _mm256_sqrt_ps(a); }
    static V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static V pow2n(V n) {
        const __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
        return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
    }
    static float hsum(V a) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
    static float hmax(V a) {
        __m128 s = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        s = _mm_max_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
    static V exp(V a);
    static V loadHalf(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
    static V loadBF16(const uint16_t* p) {
        const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
    }
    static float halfScalar(uint16_t h) { return _cvtsh_ss(h); }
    static V loadI8(const int8_t* p) {
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
    }
};

// Integer lanes for matmulQ8_0 (q8Impl.inc): 8 int32 lanes, each the running sum of one output channel. No
// VNNI here: vpmaddubsw takes |w| (unsigned, at most 128) times x with w's sign (|x| <= 127), so its pair sums
// (at most 2 * 128 * 127) never saturate, and vpmaddwd widens them to int32.
struct Q8 {
    using I = __m256i;
    static constexpr uint32_t kXor = 0;
    static constexpr int RN = 4;
    static I set1(int32_t v) { return _mm256_set1_epi32(v); }
    static I load(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
    static I dot4(I acc, I w, const int8_t* x4) {
        int32_t x;
        std::memcpy(&x, x4, sizeof x);
        const __m256i p = _mm256_maddubs_epi16(_mm256_abs_epi8(w), _mm256_sign_epi8(_mm256_set1_epi32(x), w));
        return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
    }
    // One block of 16 full rows (blk: row 0's block; row o at blk + o * rowBytes) in the packed layout: 16
    // vectors, g[2k + v] holding quants 4k..4k+3 of rows 8v..8v+7; an 8 x 8 transpose of dwords per 8 rows.
    static constexpr bool kFastPack = true;
    static constexpr bool kRowSums = false;  // no blockSums16: q8PanelOneRow dots loadBlock16's vectors
    static void loadBlock16(I* g, const uint8_t* blk, int64_t rowBytes) {
        for (int v = 0; v < 2; v++) {
            __m256i r[8];
            for (int i = 0; i < 8; i++) {
                r[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + (8 * v + i) * rowBytes + 2));
            }
            __m256i u[8];
            for (int h = 0; h < 2; h++) {
                const __m256i t0 = _mm256_unpacklo_epi32(r[4 * h], r[4 * h + 1]);
                const __m256i t1 = _mm256_unpackhi_epi32(r[4 * h], r[4 * h + 1]);
                const __m256i t2 = _mm256_unpacklo_epi32(r[4 * h + 2], r[4 * h + 3]);
                const __m256i t3 = _mm256_unpackhi_epi32(r[4 * h + 2], r[4 * h + 3]);
                u[4 * h] = _mm256_unpacklo_epi64(t0, t2);  // per 128-bit lane: dword 0 (or 4) of four rows
                u[4 * h + 1] = _mm256_unpackhi_epi64(t0, t2);
                u[4 * h + 2] = _mm256_unpacklo_epi64(t1, t3);
                u[4 * h + 3] = _mm256_unpackhi_epi64(t1, t3);
            }
            for (int m = 0; m < 4; m++) {
                g[2 * m + v] = _mm256_permute2x128_si256(u[m], u[m + 4], 0x20);
                g[2 * (m + 4) + v] = _mm256_permute2x128_si256(u[m], u[m + 4], 0x31);
            }
        }
    }
    static void packBlock(uint8_t* dst, const uint8_t* blk, int64_t rowBytes) {
        I g[16];
        loadBlock16(g, blk, rowBytes);
        for (int k = 0; k < 16; k++) {
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + k * 32), g[k]);
        }
    }
    static void packScales(uint16_t* pd, const uint8_t* blk, int64_t rowBytes) {
        for (int o = 0; o < 16; o++) {
            std::memcpy(pd + o, blk + o * rowBytes, 2);
        }
    }
    static void scales(S::V* dw, const uint8_t* blk, int64_t rowBytes) {
        alignas(32) uint16_t h[16];
        packScales(h, blk, rowBytes);
        dw[0] = S::loadHalf(h);
        dw[1] = S::loadHalf(h + 8);
    }
    static S::V toFloat(I a) { return _mm256_cvtepi32_ps(a); }
};

#include "expPoly.inc"
inline S::V S::exp(V a) { return expPoly<S>(a); }

#define MELLAMA_VARIANT_NAMESPACE avx2
#define MELLAMA_VARIANT_NAME "avx2"
#define MELLAMA_QUANT_AVX2 1  // quantImpl.inc: vpmaddubsw / vpmaddwd dot products
#include "kernelsImpl.inc"
#undef MELLAMA_QUANT_AVX2

}  // namespace avx2
}  // namespace mellama

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace mellama {
const KernelTable* avx2Kernels() { return &avx2::kTable; }
}  // namespace mellama

#else
namespace mellama {
const KernelTable* avx2Kernels() { return nullptr; }
}  // namespace mellama
#endif
