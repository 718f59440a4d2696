// The scalar variant: kernelsImpl.inc over plain floats (W = 1). Runs on any CPU and is the fallback when
// neither AVX2+FMA nor AVX-512 is available; `MELLAMA_SIMD=scalar` forces it. exp is the C library's.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "KernelTable.h"

namespace mellama {
namespace scalar {

#include "half.inc"

struct S {
    using V = float;
    static constexpr int W = 1;
    static constexpr int MR = 4;  // 4 x 4 accumulators fit the 16 SSE registers of baseline x86-64
    static constexpr int NV = 4;
    static constexpr bool kTransposeW = false;  // no transposeW: packB transposes element by element
    static V zero() { return 0.0f; }
    static V set1(float x) { return x; }
    static V load(const float* p) { return *p; }
    static void store(float* p, V x) { *p = x; }
    static V add(V a, V b) { return a + b; }
    static V sub(V a, V b) { return a - b; }
    static V mul(V a, V b) { return a * b; }
    static V div(V a, V b) { return a / b; }
    static V min(V a, V b) { return a < b ? a : b; }
    static V max(V a, V b) { return a > b ? a : b; }
    static V fmadd(V a, V b, V c) { return a * b + c; }
    static V sqrt(V a) { return std::sqrt(a); }
    static float hsum(V a) { return a; }
    static float hmax(V a) { return a; }
    static V exp(V a) { return std::exp(a); }
    static V loadHalf(const uint16_t* p) { return halfToFloat(*p); }
    static V loadBF16(const uint16_t* p) { return bf16ToFloat(*p); }
    static float halfScalar(uint16_t h) { return halfToFloat(h); }
    static V loadI8(const int8_t* p) { return (float)*p; }
    // round half to even for |a| < 2^22 (the Q8 quantizer's |a| <= 127): adding 1.5 * 2^23 leaves no fraction bits
    // and the default rounding mode rounds ties to even (baseline x86-64 has no FMA to contract this into).
    static V round(V a) {
        const float t = a + 12582912.0f;  // not reassociated: no -ffast-math
        return t - 12582912.0f;
    }
};

// Integer "lanes" for matmulQ8_0 (q8Impl.inc): one int32; a weight "vector" is one channel's 4 packed bytes.
struct Q8 {
    using I = int32_t;
    static constexpr uint32_t kXor = 0;
    static constexpr int RN = 1;
    static I set1(int32_t v) { return v; }
    static I load(const uint8_t* p) {
        int32_t v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static I dot4(I acc, I w, const int8_t* x4) {
        for (int j = 0; j < 4; j++) {
            acc += (int32_t)(int8_t)(uint8_t)((uint32_t)w >> (8 * j)) * x4[j];
        }
        return acc;
    }
    static float toFloat(I a) { return (float)a; }
    static constexpr bool kFastPack = false;
    static constexpr bool kRowSums = false;  // no blockSums16: q8PanelOneRow dots loadBlock16's vectors
    // no in-register transpose here: q8Impl.inc's generic packing runs instead (these stubs are never called)
    static void loadBlock16(I*, const uint8_t*, int64_t) {}
    static void packBlock(uint8_t*, const uint8_t*, int64_t) {}
    static void packScales(uint16_t*, const uint8_t*, int64_t) {}
    static void scales(S::V*, const uint8_t*, int64_t) {}
};

#define MELLAMA_VARIANT_NAMESPACE scalar
#define MELLAMA_VARIANT_NAME "scalar"
#include "kernelsImpl.inc"

}  // namespace scalar

const KernelTable* scalarKernels() { return &scalar::kTable; }

}  // namespace mellama
