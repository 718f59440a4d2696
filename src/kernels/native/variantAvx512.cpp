// The AVX-512 variant (F, BW, VL): kernelsImpl.inc over __m512 (W = 16), GEMM micro-tile 12 x 32 (24
// accumulators of the 32 zmm registers). Compiled for avx512f/bw/vl,fma,f16c by the target pragma below
// (no per-file compiler flags needed), selected at run time only when the CPU and OS report AVX-512 F/BW/VL.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "KernelTable.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")
// GCC 12 warns falsely about _mm256_undefined_pd inside the AVX-512 extract intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace mellama {
namespace avx512 {

#include "half.inc"

struct S {
    using V = __m512;
    static constexpr int W = 16;
    static constexpr int MR = 12;
    static constexpr int NV = 2;
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

#include "expPoly.inc"
inline S::V S::exp(V a) { return expPoly<S>(a); }

#define MELLAMA_VARIANT_NAMESPACE avx512
#define MELLAMA_VARIANT_NAME "avx512"
#include "kernelsImpl.inc"

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
