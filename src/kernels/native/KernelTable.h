// KernelTable: the kernels one SIMD variant provides, as plain function pointers. addon.cpp validates the
// arguments and then calls through the table chosen at run time (scalar, avx2, avx512); the variants live in
// variantScalar.cpp, variantAvx2.cpp and variantAvx512.cpp, which all compile the same generic code
// (kernelsImpl.inc) over a different vector type. Semantics are those of src/kernels/KernelSet.ts.
// Shapes: B batch, T time, C channels, NH/NKV heads, HS head size, V vocabulary, N rows, OC output channels.
#pragma once
#include <cstdint>

#include "ThreadPool.h"

namespace mellama {

struct KernelTable {
    const char* name;
    void (*matmulForward)(ThreadPool& pool, float* out, const float* inp, const float* weight, const float* bias,
                          int N, int C, int OC);
    void (*matmulBackward)(ThreadPool& pool, float* dinp, float* dweight, float* dbias, const float* dout,
                           const float* inp, const float* weight, int N, int C, int OC);
    void (*encoderForward)(ThreadPool& pool, float* out, const int32_t* tokens, const float* wte, int N, int C);
    void (*encoderBackward)(ThreadPool& pool, float* dwte, const float* dout, const int32_t* tokens, int N, int C);
    void (*rmsnormForward)(ThreadPool& pool, float* out, float* rstd, const float* inp, const float* weight,
                           int N, int C, float eps);
    void (*rmsnormBackward)(ThreadPool& pool, float* dinp, float* dweight, const float* dout, const float* inp,
                            const float* weight, const float* rstd, int N, int C);
    // positions (B, T) or nullptr (row t at pos0 + t); segStart (B, T) or nullptr (plain causal)
    void (*ropeForward)(ThreadPool& pool, float* out, const float* inp, const float* cos, const float* sin,
                        const int32_t* positions, int B, int T, int NHx, int HS, int pos0, bool transpose);
    void (*attentionForward)(ThreadPool& pool, float* out, float* lse, const float* q, const float* k,
                             const float* v, const int32_t* segStart, int B, int T, int NH, int NKV, int HS);
    void (*attentionBackward)(ThreadPool& pool, float* dq, float* dk, float* dv, const float* dout,
                              const float* q, const float* k, const float* v, const float* out, const float* lse,
                              const int32_t* segStart, int B, int T, int NH, int NKV, int HS);
    void (*swigluForward)(ThreadPool& pool, float* out, const float* gate, const float* up, int64_t n);
    void (*swigluBackward)(ThreadPool& pool, float* dgate, float* dup, const float* dout, const float* gate,
                           const float* up, int64_t n);
    void (*addInPlace)(ThreadPool& pool, float* out, const float* inp, int64_t n);
    double (*crossEntropyForwardBackward)(ThreadPool& pool, float* losses, float* dlogits, const float* logits,
                                          const int32_t* targets, int N, int V, float gradScale);
    void (*adamwUpdate)(ThreadPool& pool, float* params, const float* grads, float* m, float* v, int64_t n,
                        float lr, float beta1, float beta2, float eps, float weightDecay, int step, float gradScale);
    double (*sumSquares)(ThreadPool& pool, const float* x, int64_t n);
    // Decode kernels (DecodeKernels.ts): quantized-weight matmuls and attention over a KV cache.
    void (*matmulF16)(ThreadPool& pool, float* out, const float* inp, const uint16_t* weight, int N, int C, int OC);
    void (*matmulBF16)(ThreadPool& pool, float* out, const float* inp, const uint16_t* weight, int N, int C, int OC);
    void (*matmulQ8_0)(ThreadPool& pool, float* out, const float* inp, const uint8_t* weight, int N, int C, int OC);
    // type: the ggml type number of Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K or Q6_K (quantImpl.inc)
    void (*matmulQuant)(ThreadPool& pool, float* out, const float* inp, const uint8_t* weight, int type, int N, int C,
                        int OC);
    void (*attentionForwardCached)(ThreadPool& pool, float* out, const float* q, const float* kCache,
                                   const float* vCache, int T, int pos0, int NH, int NKV, int HS);
};

const KernelTable* scalarKernels();
// nullptr when this build has no such variant (non-x86 targets); the CPU check is separate (cpu.h).
const KernelTable* avx2Kernels();
const KernelTable* avx512Kernels();
// Test-only: the AVX-512 variant's W = 16 code paths on AVX2 (variantEmu16.cpp); never chosen automatically.
const KernelTable* emu16Kernels();

}  // namespace mellama
