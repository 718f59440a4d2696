// The emu16 variant: kernelsImpl.inc over pairs of __m256 acting as one 16-wide vector (W = 16, GEMM tile
// 12 x 32), i.e. the AVX-512 variant's exact shapes, blocking, tails and summation order built from AVX2
// instructions. It exists so that CPUs without AVX-512 (the development machines) still test every W = 16 code
// path of variantAvx512.cpp; only the AVX-512 intrinsics themselves stay unexercised there. Never chosen
// automatically; `simd: "emu16"` (tests) selects it. Slow (the accumulators spill): not for production.
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
namespace emu16 {

#include "half.inc"

struct Pair {
    __m256 lo, hi;
};

struct S {
    using V = Pair;
    static constexpr int W = 16;
    static constexpr int MR = 12;
    static constexpr int NV = 2;
    static constexpr bool kTransposeW = false;  // no transposeW: packB transposes element by element
    static V zero() { return {_mm256_setzero_ps(), _mm256_setzero_ps()}; }
    static V set1(float x) { return {_mm256_set1_ps(x), _mm256_set1_ps(x)}; }
    static V load(const float* p) { return {_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; }
    static void store(float* p, V x) {
        _mm256_storeu_ps(p, x.lo);
        _mm256_storeu_ps(p + 8, x.hi);
    }
    static V add(V a, V b) { return {_mm256_add_ps(a.lo, b.lo), _mm256_add_ps(a.hi, b.hi)}; }
    static V sub(V a, V b) { return {_mm256_sub_ps(a.lo, b.lo), _mm256_sub_ps(a.hi, b.hi)}; }
    static V mul(V a, V b) { return {_mm256_mul_ps(a.lo, b.lo), _mm256_mul_ps(a.hi, b.hi)}; }
    static V div(V a, V b) { return {_mm256_div_ps(a.lo, b.lo), _mm256_div_ps(a.hi, b.hi)}; }
    static V min(V a, V b) { return {_mm256_min_ps(a.lo, b.lo), _mm256_min_ps(a.hi, b.hi)}; }
    static V max(V a, V b) { return {_mm256_max_ps(a.lo, b.lo), _mm256_max_ps(a.hi, b.hi)}; }
    static V fmadd(V a, V b, V c) { return {_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi)}; }
    static V sqrt(V a) { return {_mm256_sqrt_ps(a.lo), _mm256_sqrt_ps(a.hi)}; }
    static V round(V a) {
        constexpr int mode = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
        return {_mm256_round_ps(a.lo, mode), _mm256_round_ps(a.hi, mode)};
    }
    static __m256 pow2n8(__m256 n) {
        const __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
        return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
    }
    static V pow2n(V n) { return {pow2n8(n.lo), pow2n8(n.hi)}; }
    // Same order as the AVX-512 variant: halves added first, then the 256-bit reduction.
    static float hsum(V a) {
        const __m256 h = _mm256_add_ps(a.lo, a.hi);
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
    static float hmax(V a) {
        const __m256 h = _mm256_max_ps(a.lo, a.hi);
        __m128 s = _mm_max_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        s = _mm_max_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
    static V exp(V a);
    static __m256 half8(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
    static V loadHalf(const uint16_t* p) { return {half8(p), half8(p + 8)}; }
    static __m256 bf8(const uint16_t* p) {
        const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
    }
    static V loadBF16(const uint16_t* p) { return {bf8(p), bf8(p + 8)}; }
    static float halfScalar(uint16_t h) { return _cvtsh_ss(h); }
    static __m256 i8x8(const int8_t* p) {
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
    }
    static V loadI8(const int8_t* p) { return {i8x8(p), i8x8(p + 8)}; }
};

// Integer lanes for matmulQ8_0 (q8Impl.inc), shaped as the AVX-512 variant's: 16 int32 lanes, weights packed
// with the sign bit flipped and vpdpbusd emulated exactly (even and odd bytes widened to 16 bits, vpmaddwd).
struct Q8 {
    struct I {
        __m256i lo, hi;
    };
    static constexpr uint32_t kXor = 0x80808080u;
    static constexpr int RN = 8;
    static I set1(int32_t v) { return {_mm256_set1_epi32(v), _mm256_set1_epi32(v)}; }
    static I load(const uint8_t* p) {
        return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)),
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32))};
    }
    // acc[l] += sum over j < 4 of u8(w[l][j]) * s8(x4[j])
    static __m256i dpbusd8(__m256i acc, __m256i w, __m256i x) {
        const __m256i mask = _mm256_set1_epi16(0x00ff);
        const __m256i wEven = _mm256_and_si256(w, mask), wOdd = _mm256_srli_epi16(w, 8);
        const __m256i xEven = _mm256_srai_epi16(_mm256_slli_epi16(x, 8), 8), xOdd = _mm256_srai_epi16(x, 8);
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(wEven, xEven));
        return _mm256_add_epi32(acc, _mm256_madd_epi16(wOdd, xOdd));
    }
    static I dot4(I acc, I w, const int8_t* x4) {
        int32_t x;
        std::memcpy(&x, x4, sizeof x);
        const __m256i xb = _mm256_set1_epi32(x);
        return {dpbusd8(acc.lo, w.lo, xb), dpbusd8(acc.hi, w.hi, xb)};
    }
    static constexpr bool kFastPack = false;
    static constexpr bool kRowSums = false;  // no blockSums16: q8PanelOneRow dots loadBlock16's vectors
    // no in-register transpose here: q8Impl.inc's generic packing runs instead (these stubs are never called)
    static void loadBlock16(I*, const uint8_t*, int64_t) {}
    static void packBlock(uint8_t*, const uint8_t*, int64_t) {}
    static void packScales(uint16_t*, const uint8_t*, int64_t) {}
    static void scales(S::V*, const uint8_t*, int64_t) {}
    static S::V toFloat(I a) { return {_mm256_cvtepi32_ps(a.lo), _mm256_cvtepi32_ps(a.hi)}; }
};

#include "expPoly.inc"
inline S::V S::exp(V a) { return expPoly<S>(a); }

#define MELLAMA_VARIANT_NAMESPACE emu16
#define MELLAMA_VARIANT_NAME "emu16"
#define MELLAMA_QUANT_AVX2 1  // quantImpl.inc: vpmaddubsw / vpmaddwd dot products
#include "kernelsImpl.inc"
#undef MELLAMA_QUANT_AVX2

}  // namespace emu16
}  // namespace mellama

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace mellama {
const KernelTable* emu16Kernels() { return &emu16::kTable; }
}  // namespace mellama

#else
namespace mellama {
const KernelTable* emu16Kernels() { return nullptr; }
}  // namespace mellama
#endif
