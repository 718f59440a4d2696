// addon.cpp: the N-API boundary of the native kernels. Exports
//   Context(threads, simd)  a kernel context: a thread pool plus the SIMD variant picked at construction;
//                           its methods have the KernelSet signatures (src/kernels/KernelSet.ts)
//   cpuFeatures()           what this CPU (and OS) supports: {avx2, fma, f16c, avx512f, avx512bw, avx512vl,
//                           avx512vnni}
//   variants()              the variants this CPU can run, best first (emu16, a test-only variant, last)
//   setErrorFactory(fn)     fn(field, message) builds the typed error thrown on bad arguments
//   quantizeBlocks(type, src, out, threads)  ggml's reference quantizer of a Q8_0 or K-quant type (quantizeBlocks.cpp);
//                           false when the type is not one of them or src holds NaN or Inf
//   adviseHugePages(view)   backs the view's 2 MiB-aligned interior with transparent huge pages (Linux), returns
//                           the bytes so advised (0 elsewhere or when the kernel refuses)
// Every argument is checked here, before any memory is touched: types, integer shapes, and that each typed
// array is long enough for the shapes given. The kernels themselves (kernelsImpl.inc) trust their inputs.
// Typed arrays are used in place (pointer + byte offset from the view), never copied.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "KernelTable.h"
#include "ThreadPool.h"
#include "quantizeBlocks.h"

namespace mellama {
namespace {

struct Features {
    bool avx2 = false, fma = false, f16c = false, avx512f = false, avx512bw = false, avx512vl = false,
         avx512vnni = false;
};

Features detect() {
    Features f;
#if defined(__x86_64__) && defined(__GNUC__)
    // libgcc's checks include the OS (XGETBV) saving the wider registers, not only the CPUID bits.
    __builtin_cpu_init();
    f.avx2 = __builtin_cpu_supports("avx2");
    f.fma = __builtin_cpu_supports("fma");
    f.f16c = __builtin_cpu_supports("f16c");
    f.avx512f = __builtin_cpu_supports("avx512f");
    f.avx512bw = __builtin_cpu_supports("avx512bw");
    f.avx512vl = __builtin_cpu_supports("avx512vl");
    f.avx512vnni = __builtin_cpu_supports("avx512vnni");
#endif
    return f;
}

const KernelTable* variantByName(const std::string& name) {
    const Features f = detect();
    if (name == "avx512") {
        // VNNI too: matmulQ8_0's integer dot products are vpdpbusd there (CPUs with AVX-512 but no VNNI run avx2)
        return f.avx512f && f.avx512bw && f.avx512vl && f.avx512vnni && f.fma && f.f16c ? avx512Kernels() : nullptr;
    }
    if (name == "avx2") {
        return f.avx2 && f.fma && f.f16c ? avx2Kernels() : nullptr;
    }
    if (name == "scalar") {
        return scalarKernels();
    }
    if (name == "emu16") {
        return f.avx2 && f.fma && f.f16c ? emu16Kernels() : nullptr;
    }
    return nullptr;
}

const KernelTable* bestVariant() {
    for (const char* name : {"avx512", "avx2", "scalar"}) {
        if (const KernelTable* t = variantByName(name)) {
            return t;
        }
    }
    return scalarKernels();
}

[[noreturn]] void fail(Napi::Env env, const char* field, const std::string& message) {
    // The factory lives in the environment's instance data, so worker threads each have their own.
    auto* factory = env.GetInstanceData<Napi::FunctionReference>();
    if (factory != nullptr && !factory->IsEmpty()) {
        Napi::Value err = factory->Call({Napi::String::New(env, field), Napi::String::New(env, message)});
        throw Napi::Error(env, err);
    }
    throw Napi::RangeError::New(env, std::string(field) + ": " + message);
}

// Saturating product: shapes are checked against array lengths, so an overflow must read as "too big".
int64_t mul(int64_t a, int64_t b) {
    if (a == 0 || b == 0) {
        return 0;
    }
    if (a > std::numeric_limits<int64_t>::max() / b) {
        return std::numeric_limits<int64_t>::max();
    }
    return a * b;
}

// Argument reader for one call: each getter names the field in its error.
class Args {
public:
    explicit Args(const Napi::CallbackInfo& info) : info_(info), env_(info.Env()) {}

    // A Float32Array with at least `need` elements (null allowed when `nullable`).
    float* f32(int i, const char* name, int64_t need, bool nullable = false) {
        const Napi::Value v = info_[i];
        if (nullable && (v.IsNull() || v.IsUndefined())) {
            return nullptr;
        }
        if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
            fail(env_, name, nullable ? "expected a Float32Array or null" : "expected a Float32Array");
        }
        auto a = v.As<Napi::Float32Array>();
        if ((int64_t)a.ElementLength() < need) {
            fail(env_, name, "has " + std::to_string(a.ElementLength()) + " elements, the shapes need " +
                                 std::to_string(need));
        }
        return a.Data();
    }
    int64_t f32Length(int i) const { return (int64_t)info_[i].As<Napi::Float32Array>().ElementLength(); }

    const int32_t* i32(int i, const char* name, int64_t need, bool nullable = false) {
        const Napi::Value v = info_[i];
        if (nullable && (v.IsNull() || v.IsUndefined())) {
            return nullptr;
        }
        if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
            fail(env_, name, nullable ? "expected an Int32Array or null" : "expected an Int32Array");
        }
        auto a = v.As<Napi::Int32Array>();
        if ((int64_t)a.ElementLength() < need) {
            fail(env_, name, "has " + std::to_string(a.ElementLength()) + " elements, the shapes need " +
                                 std::to_string(need));
        }
        return a.Data();
    }

    // Raw weight bytes: a Uint16Array of half bits (F16) or a Uint8Array of GGUF blocks (Q8_0).
    template <class T, napi_typedarray_type Type>
    const T* typed(int i, const char* name, const char* typeName, int64_t need) {
        const Napi::Value v = info_[i];
        if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != Type) {
            fail(env_, name, std::string("expected a ") + typeName);
        }
        auto a = v.As<Napi::TypedArrayOf<T>>();
        if ((int64_t)a.ElementLength() < need) {
            fail(env_, name, "has " + std::to_string(a.ElementLength()) + " elements, the shapes need " +
                                 std::to_string(need));
        }
        return a.Data();
    }

    // An integer in [lo, hi].
    int64_t integer(int i, const char* name, int64_t lo, int64_t hi = std::numeric_limits<int32_t>::max()) {
        const Napi::Value v = info_[i];
        if (!v.IsNumber()) {
            fail(env_, name, "expected an integer");
        }
        const double d = v.As<Napi::Number>().DoubleValue();
        if (!(d == std::floor(d)) || d < (double)lo || d > (double)hi) {
            fail(env_, name, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                 "], got " + std::to_string(d));
        }
        return (int64_t)d;
    }

    float number(int i, const char* name) {
        const Napi::Value v = info_[i];
        if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) {
            fail(env_, name, "expected a finite number");
        }
        return (float)v.As<Napi::Number>().DoubleValue();
    }

    void count(int n) {
        if ((int)info_.Length() != n) {
            fail(env_, "arguments", "expected " + std::to_string(n) + " arguments, got " +
                                        std::to_string(info_.Length()));
        }
    }

    Napi::Env env() const { return env_; }

private:
    const Napi::CallbackInfo& info_;
    Napi::Env env_;
};

constexpr int64_t kMaxElements = int64_t(1) << 53;

bool overlaps(const float* a, int64_t na, const float* b, int64_t nb) {
    return a != nullptr && b != nullptr && a < b + nb && b < a + na;
}

class Context : public Napi::ObjectWrap<Context> {
public:
    static Napi::Function define(Napi::Env env) {
        return DefineClass(env, "Context", {
            InstanceAccessor<&Context::threads>("threads"),
            InstanceAccessor<&Context::simd>("simd"),
            InstanceMethod<&Context::matmulForward>("matmulForward"),
            InstanceMethod<&Context::matmulBackward>("matmulBackward"),
            InstanceMethod<&Context::encoderForward>("encoderForward"),
            InstanceMethod<&Context::encoderBackward>("encoderBackward"),
            InstanceMethod<&Context::rmsnormForward>("rmsnormForward"),
            InstanceMethod<&Context::rmsnormBackward>("rmsnormBackward"),
            InstanceMethod<&Context::ropeForward>("ropeForward"),
            InstanceMethod<&Context::ropeBackward>("ropeBackward"),
            InstanceMethod<&Context::attentionForward>("attentionForward"),
            InstanceMethod<&Context::attentionBackward>("attentionBackward"),
            InstanceMethod<&Context::swigluForward>("swigluForward"),
            InstanceMethod<&Context::swigluBackward>("swigluBackward"),
            InstanceMethod<&Context::addInPlace>("addInPlace"),
            InstanceMethod<&Context::crossEntropyForwardBackward>("crossEntropyForwardBackward"),
            InstanceMethod<&Context::adamwUpdate>("adamwUpdate"),
            InstanceMethod<&Context::sumSquares>("sumSquares"),
            InstanceMethod<&Context::matmulF16>("matmulF16"),
            InstanceMethod<&Context::matmulBF16>("matmulBF16"),
            InstanceMethod<&Context::matmulQ8_0>("matmulQ8_0"),
            InstanceMethod<&Context::matmulQuant>("matmulQuant"),
            InstanceMethod<&Context::attentionForwardCached>("attentionForwardCached"),
            InstanceMethod<&Context::dispose>("dispose"),
        });
    }

    explicit Context(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Context>(info) {
        Args a(info);
        a.count(2);
        const int threads = (int)a.integer(0, "threads", 1, 1024);
        const Napi::Value simd = info[1];
        if (simd.IsString() && simd.As<Napi::String>().Utf8Value() != "auto") {
            const std::string name = simd.As<Napi::String>().Utf8Value();
            if (name != "scalar" && name != "avx2" && name != "avx512" && name != "emu16") {
                fail(info.Env(), "simd", "expected auto, scalar, avx2, avx512 or emu16, got " + name);
            }
            table_ = variantByName(name);
            if (table_ == nullptr) {
                fail(info.Env(), "simd", name + " is not supported by this CPU (or this build)");
            }
        } else {
            table_ = bestVariant();
        }
        pool_ = std::make_unique<ThreadPool>(threads);
    }

private:
    ThreadPool& pool(Napi::Env env) {
        if (!pool_) {
            fail(env, "kernels", "this native kernel set was disposed");
        }
        return *pool_;
    }

    Napi::Value threads(const Napi::CallbackInfo& info) {
        return Napi::Number::New(info.Env(), pool_ ? pool_->size() : 0);
    }
    Napi::Value simd(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), table_->name); }

    void matmulForward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(7);
        const int64_t N = a.integer(4, "N", 0), C = a.integer(5, "C", 0), OC = a.integer(6, "OC", 0);
        float* out = a.f32(0, "out", mul(N, OC));
        const float* inp = a.f32(1, "inp", mul(N, C));
        const float* weight = a.f32(2, "weight", mul(OC, C));
        const float* bias = a.f32(3, "bias", OC, true);
        if (overlaps(out, N * OC, inp, N * C) || overlaps(out, N * OC, weight, OC * C)) {
            fail(info.Env(), "out", "may not alias inp or weight");
        }
        table_->matmulForward(pool(info.Env()), out, inp, weight, bias, (int)N, (int)C, (int)OC);
    }

    void matmulBackward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(9);
        const int64_t N = a.integer(6, "N", 0), C = a.integer(7, "C", 0), OC = a.integer(8, "OC", 0);
        float* dinp = a.f32(0, "dinp", mul(N, C), true);
        float* dweight = a.f32(1, "dweight", mul(OC, C), true);
        float* dbias = a.f32(2, "dbias", OC, true);
        const float* dout = a.f32(3, "dout", mul(N, OC));
        const float* inp = a.f32(4, "inp", mul(N, C));
        const float* weight = a.f32(5, "weight", mul(OC, C));
        table_->matmulBackward(pool(info.Env()), dinp, dweight, dbias, dout, inp, weight, (int)N, (int)C, (int)OC);
    }

    // Tokens must index rows of a (V, C) table; V comes from the table's length.
    void checkTokens(Args& a, const int32_t* tokens, int64_t N, int64_t V, const char* name) {
        for (int64_t n = 0; n < N; n++) {
            if (tokens[n] < 0 || tokens[n] >= V) {
                fail(a.env(), name, "token " + std::to_string(tokens[n]) + " at index " + std::to_string(n) +
                                        " is outside the table's " + std::to_string(V) + " rows");
            }
        }
    }

    void encoderForward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(5);
        const int64_t N = a.integer(3, "N", 0), C = a.integer(4, "C", 1);
        float* out = a.f32(0, "out", mul(N, C));
        const int32_t* tokens = a.i32(1, "tokens", N);
        const float* wte = a.f32(2, "wte", 0);
        checkTokens(a, tokens, N, a.f32Length(2) / C, "tokens");
        table_->encoderForward(pool(info.Env()), out, tokens, wte, (int)N, (int)C);
    }

    void encoderBackward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(5);
        const int64_t N = a.integer(3, "N", 0), C = a.integer(4, "C", 1);
        float* dwte = a.f32(0, "dwte", 0);
        const float* dout = a.f32(1, "dout", mul(N, C));
        const int32_t* tokens = a.i32(2, "tokens", N);
        checkTokens(a, tokens, N, a.f32Length(0) / C, "tokens");
        table_->encoderBackward(pool(info.Env()), dwte, dout, tokens, (int)N, (int)C);
    }

    void rmsnormForward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(7);
        const int64_t N = a.integer(4, "N", 0), C = a.integer(5, "C", 1);
        const float eps = a.number(6, "eps");
        float* out = a.f32(0, "out", mul(N, C));
        float* rstd = a.f32(1, "rstd", N);
        const float* inp = a.f32(2, "inp", mul(N, C));
        const float* weight = a.f32(3, "weight", C);
        if (overlaps(out, N * C, inp, N * C)) {
            fail(info.Env(), "out", "may not alias inp");
        }
        table_->rmsnormForward(pool(info.Env()), out, rstd, inp, weight, (int)N, (int)C, eps);
    }

    void rmsnormBackward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(8);
        const int64_t N = a.integer(6, "N", 0), C = a.integer(7, "C", 1);
        float* dinp = a.f32(0, "dinp", mul(N, C));
        float* dweight = a.f32(1, "dweight", C);
        const float* dout = a.f32(2, "dout", mul(N, C));
        const float* inp = a.f32(3, "inp", mul(N, C));
        const float* weight = a.f32(4, "weight", C);
        const float* rstd = a.f32(5, "rstd", N);
        table_->rmsnormBackward(pool(info.Env()), dinp, dweight, dout, inp, weight, rstd, (int)N, (int)C);
    }

    void rope(const Napi::CallbackInfo& info, bool transpose) {
        Args a(info);
        a.count(10);
        const int64_t B = a.integer(5, "B", 0), T = a.integer(6, "T", 0), NHx = a.integer(7, "NHx", 1);
        const int64_t HS = a.integer(8, "HS", 2), pos0 = a.integer(9, "pos0", 0);
        if (HS % 2 != 0) {
            fail(info.Env(), "HS", "must be even for rotate-half RoPE, got " + std::to_string(HS));
        }
        const int64_t n = mul(mul(mul(B, T), NHx), HS);
        float* out = a.f32(0, transpose ? "dinp" : "out", n);
        const float* inp = a.f32(1, transpose ? "dout" : "inp", n);
        const int32_t* positions = a.i32(4, "positions", mul(B, T), true);
        // The table rows the positions reach: pos0 + T, or one past the largest given position.
        int64_t rows = pos0 + T;
        if (positions != nullptr) {
            rows = 0;
            for (int64_t i = 0; i < mul(B, T); i++) {
                if (positions[i] < 0) {
                    fail(info.Env(), "positions", "position " + std::to_string(positions[i]) + " at " +
                                                      std::to_string(i) + " is negative");
                }
                rows = (int64_t)positions[i] + 1 > rows ? (int64_t)positions[i] + 1 : rows;
            }
        }
        const int64_t table = mul(rows, HS / 2);
        const float* cosT = a.f32(2, "cos", table);
        const float* sinT = a.f32(3, "sin", table);
        table_->ropeForward(pool(info.Env()), out, inp, cosT, sinT, positions, (int)B, (int)T, (int)NHx, (int)HS,
                            (int)pos0, transpose);
    }
    void ropeForward(const Napi::CallbackInfo& info) { rope(info, false); }
    void ropeBackward(const Napi::CallbackInfo& info) { rope(info, true); }

    struct AttnShape {
        int64_t B, T, NH, NKV, HS;
    };
    AttnShape attnShape(Args& a, int i) {
        AttnShape s{a.integer(i, "B", 0), a.integer(i + 1, "T", 0), a.integer(i + 2, "NH", 1),
                    a.integer(i + 3, "NKV", 1), a.integer(i + 4, "HS", 1)};
        if (s.NH % s.NKV != 0) {
            fail(a.env(), "NKV", "must divide NH (" + std::to_string(s.NH) + "), got " + std::to_string(s.NKV));
        }
        return s;
    }

    // segStart (B, T) or null; each entry within its row's causal range: 0 <= segStart[b*T + t] <= t.
    const int32_t* segStarts(Args& a, int i, const AttnShape& s) {
        const int32_t* seg = a.i32(i, "segStart", mul(s.B, s.T), true);
        if (seg != nullptr) {
            for (int64_t bt = 0; bt < s.B * s.T; bt++) {
                if (seg[bt] < 0 || seg[bt] > bt % s.T) {
                    fail(a.env(), "segStart", "entry " + std::to_string(bt) + " is " + std::to_string(seg[bt]) +
                                                  ", outside its row's 0.." + std::to_string(bt % s.T));
                }
            }
        }
        return seg;
    }

    void attentionForward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(11);
        const AttnShape s = attnShape(a, 6);
        const int64_t nq = mul(mul(mul(s.B, s.T), s.NH), s.HS), nkv = mul(mul(mul(s.B, s.T), s.NKV), s.HS);
        float* out = a.f32(0, "out", nq);
        float* lse = a.f32(1, "lse", mul(mul(s.B, s.NH), s.T));
        const float* q = a.f32(2, "q", nq);
        const float* k = a.f32(3, "k", nkv);
        const float* v = a.f32(4, "v", nkv);
        const int32_t* seg = segStarts(a, 5, s);
        table_->attentionForward(pool(info.Env()), out, lse, q, k, v, seg, (int)s.B, (int)s.T, (int)s.NH, (int)s.NKV,
                                 (int)s.HS);
    }

    void attentionBackward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(15);
        const AttnShape s = attnShape(a, 10);
        const int64_t nq = mul(mul(mul(s.B, s.T), s.NH), s.HS), nkv = mul(mul(mul(s.B, s.T), s.NKV), s.HS);
        float* dq = a.f32(0, "dq", nq);
        float* dk = a.f32(1, "dk", nkv);
        float* dv = a.f32(2, "dv", nkv);
        const float* dout = a.f32(3, "dout", nq);
        const float* q = a.f32(4, "q", nq);
        const float* k = a.f32(5, "k", nkv);
        const float* v = a.f32(6, "v", nkv);
        const float* out = a.f32(7, "out", nq);
        const float* lse = a.f32(8, "lse", mul(mul(s.B, s.NH), s.T));
        const int32_t* seg = segStarts(a, 9, s);
        table_->attentionBackward(pool(info.Env()), dq, dk, dv, dout, q, k, v, out, lse, seg, (int)s.B, (int)s.T,
                                  (int)s.NH, (int)s.NKV, (int)s.HS);
    }

    void swigluForward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(4);
        const int64_t n = a.integer(3, "n", 0, kMaxElements);
        float* out = a.f32(0, "out", n);
        const float* gate = a.f32(1, "gate", n);
        const float* up = a.f32(2, "up", n);
        table_->swigluForward(pool(info.Env()), out, gate, up, n);
    }

    void swigluBackward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(6);
        const int64_t n = a.integer(5, "n", 0, kMaxElements);
        float* dgate = a.f32(0, "dgate", n);
        float* dup = a.f32(1, "dup", n);
        const float* dout = a.f32(2, "dout", n);
        const float* gate = a.f32(3, "gate", n);
        const float* up = a.f32(4, "up", n);
        table_->swigluBackward(pool(info.Env()), dgate, dup, dout, gate, up, n);
    }

    void addInPlace(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(3);
        const int64_t n = a.integer(2, "n", 0, kMaxElements);
        float* out = a.f32(0, "out", n);
        const float* inp = a.f32(1, "inp", n);
        table_->addInPlace(pool(info.Env()), out, inp, n);
    }

    Napi::Value crossEntropyForwardBackward(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(7);
        const int64_t N = a.integer(4, "N", 0), V = a.integer(5, "V", 1);
        const float gradScale = a.number(6, "gradScale");
        float* losses = a.f32(0, "losses", N);
        float* dlogits = a.f32(1, "dlogits", mul(N, V), true);
        const float* logits = a.f32(2, "logits", mul(N, V));
        const int32_t* targets = a.i32(3, "targets", N);
        for (int64_t n = 0; n < N; n++) {
            if (targets[n] != -100 && (targets[n] < 0 || targets[n] >= V)) {
                fail(info.Env(), "targets", "target " + std::to_string(targets[n]) + " at row " + std::to_string(n) +
                                                " is outside [0, " + std::to_string(V) + ") and is not -100");
            }
        }
        if (overlaps(losses, N, logits, N * V) || overlaps(losses, N, dlogits, N * V)) {
            fail(info.Env(), "losses", "may not alias logits or dlogits");
        }
        if (dlogits != nullptr && dlogits != logits && overlaps(dlogits, N * V, logits, N * V)) {
            fail(info.Env(), "dlogits", "may alias logits only exactly (same start), not partially");
        }
        const double sum = table_->crossEntropyForwardBackward(pool(info.Env()), losses, dlogits, logits, targets,
                                                               (int)N, (int)V, gradScale);
        return Napi::Number::New(info.Env(), sum);
    }

    void adamwUpdate(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(12);
        const int64_t n = a.integer(4, "n", 0, kMaxElements);
        float* params = a.f32(0, "params", n);
        const float* grads = a.f32(1, "grads", n);
        float* m = a.f32(2, "m", n);
        float* v = a.f32(3, "v", n);
        const float lr = a.number(5, "lr"), beta1 = a.number(6, "beta1"), beta2 = a.number(7, "beta2");
        const float eps = a.number(8, "eps"), weightDecay = a.number(9, "weightDecay");
        const int step = (int)a.integer(10, "step", 1);
        const float gradScale = a.number(11, "gradScale");
        table_->adamwUpdate(pool(info.Env()), params, grads, m, v, n, lr, beta1, beta2, eps, weightDecay, step,
                            gradScale);
    }

    Napi::Value sumSquares(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(2);
        const int64_t n = a.integer(1, "n", 0, kMaxElements);
        const float* x = a.f32(0, "x", n);
        return Napi::Number::New(info.Env(), table_->sumSquares(pool(info.Env()), x, n));
    }

    void matmulF16(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(6);
        const int64_t N = a.integer(3, "N", 0), C = a.integer(4, "C", 0), OC = a.integer(5, "OC", 0);
        float* out = a.f32(0, "out", mul(N, OC));
        const float* inp = a.f32(1, "inp", mul(N, C));
        const uint16_t* weight =
            a.typed<uint16_t, napi_uint16_array>(2, "weight", "Uint16Array of half bits", mul(OC, C));
        table_->matmulF16(pool(info.Env()), out, inp, weight, (int)N, (int)C, (int)OC);
    }

    void matmulBF16(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(6);
        const int64_t N = a.integer(3, "N", 0), C = a.integer(4, "C", 0), OC = a.integer(5, "OC", 0);
        float* out = a.f32(0, "out", mul(N, OC));
        const float* inp = a.f32(1, "inp", mul(N, C));
        const uint16_t* weight =
            a.typed<uint16_t, napi_uint16_array>(2, "weight", "Uint16Array of bfloat16 bits", mul(OC, C));
        table_->matmulBF16(pool(info.Env()), out, inp, weight, (int)N, (int)C, (int)OC);
    }

    void matmulQ8_0(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(6);
        const int64_t N = a.integer(3, "N", 0), C = a.integer(4, "C", 0), OC = a.integer(5, "OC", 0);
        if (C % 32 != 0) {
            fail(info.Env(), "C", "Q8_0 rows are whole 32-weight blocks: C must be a multiple of 32, got " +
                                      std::to_string(C));
        }
        float* out = a.f32(0, "out", mul(N, OC));
        const float* inp = a.f32(1, "inp", mul(N, C));
        const uint8_t* weight = a.typed<uint8_t, napi_uint8_array>(
            2, "weight", "Uint8Array of Q8_0 blocks", mul(OC, (C / 32) * 34));
        table_->matmulQ8_0(pool(info.Env()), out, inp, weight, (int)N, (int)C, (int)OC);
    }

    void matmulQuant(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(7);
        const int64_t type = a.integer(3, "type", 0, 64);
        const int64_t N = a.integer(4, "N", 0), C = a.integer(5, "C", 0), OC = a.integer(6, "OC", 0);
        // [values, bytes] per block of the ggml types matmulQuant takes (quantImpl.inc); 0 = not one of them
        static const int kBlock[15][2] = {{0, 0}, {0, 0}, {32, 18}, {32, 20}, {0, 0}, {0, 0}, {32, 22}, {32, 24},
                                          {0, 0}, {0, 0}, {256, 84}, {256, 110}, {256, 144}, {256, 176}, {256, 210}};
        if (type > 14 || kBlock[type][0] == 0) {
            fail(info.Env(), "type", "not a ggml type matmulQuant computes (Q4_0, Q4_1, Q5_0, Q5_1, Q2_K..Q6_K): " +
                                         std::to_string(type));
        }
        const int64_t block = kBlock[type][0], bytes = kBlock[type][1];
        if (C % block != 0) {
            fail(info.Env(), "C", "rows are whole " + std::to_string(block) + "-value blocks: C must be a multiple of " +
                                      std::to_string(block) + ", got " + std::to_string(C));
        }
        float* out = a.f32(0, "out", mul(N, OC));
        const float* inp = a.f32(1, "inp", mul(N, C));
        const uint8_t* weight = a.typed<uint8_t, napi_uint8_array>(2, "weight", "Uint8Array of quantized blocks",
                                                                   mul(OC, (C / block) * bytes));
        table_->matmulQuant(pool(info.Env()), out, inp, weight, (int)type, (int)N, (int)C, (int)OC);
    }

    void attentionForwardCached(const Napi::CallbackInfo& info) {
        Args a(info);
        a.count(9);
        const int64_t T = a.integer(4, "T", 0), pos0 = a.integer(5, "pos0", 0);
        const int64_t NH = a.integer(6, "NH", 1), NKV = a.integer(7, "NKV", 1), HS = a.integer(8, "HS", 1);
        if (NH % NKV != 0) {
            fail(info.Env(), "NKV", "must divide NH (" + std::to_string(NH) + "), got " + std::to_string(NKV));
        }
        const int64_t nq = mul(mul(T, NH), HS), ncache = mul(mul(pos0 + T, NKV), HS);
        float* out = a.f32(0, "out", nq);
        const float* q = a.f32(1, "q", nq);
        const float* kCache = a.f32(2, "kCache", ncache);
        const float* vCache = a.f32(3, "vCache", ncache);
        table_->attentionForwardCached(pool(info.Env()), out, q, kCache, vCache, (int)T, (int)pos0, (int)NH,
                                       (int)NKV, (int)HS);
    }

    void dispose(const Napi::CallbackInfo&) { pool_.reset(); }

    const KernelTable* table_ = nullptr;
    std::unique_ptr<ThreadPool> pool_;
};

Napi::Value cpuFeatures(const Napi::CallbackInfo& info) {
    const Features f = detect();
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("avx2", f.avx2);
    o.Set("fma", f.fma);
    o.Set("f16c", f.f16c);
    o.Set("avx512f", f.avx512f);
    o.Set("avx512bw", f.avx512bw);
    o.Set("avx512vl", f.avx512vl);
    o.Set("avx512vnni", f.avx512vnni);
    return o;
}

Napi::Value variants(const Napi::CallbackInfo& info) {
    Napi::Array out = Napi::Array::New(info.Env());
    uint32_t i = 0;
    for (const char* name : {"avx512", "avx2", "scalar", "emu16"}) {
        if (variantByName(name) != nullptr) {
            out.Set(i++, Napi::String::New(info.Env(), name));
        }
    }
    return out;
}

void setErrorFactory(const Napi::CallbackInfo& info) {
    if (info.Length() != 1 || !info[0].IsFunction()) {
        throw Napi::TypeError::New(info.Env(), "setErrorFactory: expected a function (field, message) => Error");
    }
    info.Env().SetInstanceData<Napi::FunctionReference>(
        new Napi::FunctionReference(Napi::Persistent(info[0].As<Napi::Function>())));
}

// Decoding streams every weight once per token, tens to hundreds of MB: with 4 KiB pages the page walks take a
// visible share of single-thread bandwidth (docs/performance-notes.md); 2 MiB pages remove most of them. MADV_HUGEPAGE
// covers pages faulted later (for a file mapping: readahead then reads 2 MiB folios), MADV_COLLAPSE (Linux 6.1+)
// converts the ones already written (file pages only with CONFIG_READ_ONLY_THP_FOR_FS). Contents are kept.
Napi::Value adviseHugePages(const Napi::CallbackInfo& info) {
    if (info.Length() != 1 || !info[0].IsTypedArray()) {
        throw Napi::TypeError::New(info.Env(), "adviseHugePages: expected a typed array");
    }
    double advised = 0;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const Napi::TypedArray view = info[0].As<Napi::TypedArray>();
    const uintptr_t begin = reinterpret_cast<uintptr_t>(view.ArrayBuffer().Data()) + view.ByteOffset();
    const uintptr_t huge = uintptr_t{2} << 20;
    const uintptr_t first = (begin + huge - 1) & ~(huge - 1);
    const uintptr_t last = (begin + view.ByteLength()) & ~(huge - 1);
    if (last > first) {
        void* p = reinterpret_cast<void*>(first);
        const size_t n = last - first;
        const bool hinted = madvise(p, n, MADV_HUGEPAGE) == 0;
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
        const bool collapsed = madvise(p, n, MADV_COLLAPSE) == 0;
        advised = hinted || collapsed ? (double)n : 0;
    }
#endif
    return Napi::Number::New(info.Env(), advised);
}

// A read-only private mapping of [offset, offset + length) of a file, as an ArrayBuffer whose finalizer unmaps
// it: weights at rest share the page cache instead of being copied into anonymous memory (a model that fits in
// memory once, but not twice, still loads from the cache). The mapping starts at the page below `offset`; the
// buffer starts exactly at `offset`. Returns null where mapping is unavailable (the caller reads instead).
struct FileMapping {
    void* base;
    size_t size;
};

Napi::Value mapFile(const Napi::CallbackInfo& info) {
    if (info.Length() != 3 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber()) {
        throw Napi::TypeError::New(info.Env(), "mapFile: expected (path, offset, length)");
    }
#if defined(__linux__)
    const std::string path = info[0].As<Napi::String>().Utf8Value();
    const double offsetD = info[1].As<Napi::Number>().DoubleValue();
    const double lengthD = info[2].As<Napi::Number>().DoubleValue();
    if (!(offsetD >= 0) || !(lengthD > 0) || offsetD + lengthD > 9007199254740991.0) {
        throw Napi::RangeError::New(info.Env(), "mapFile: offset and length must be non-negative, length positive");
    }
    const uint64_t offset = (uint64_t)offsetD;
    const uint64_t length = (uint64_t)lengthD;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return info.Env().Null();
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || offset + length > (uint64_t)st.st_size) {
        close(fd);
        return info.Env().Null();
    }
    const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    const uint64_t start = offset & ~(page - 1);
    const size_t size = (size_t)(offset - start + length);
    void* base = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, (off_t)start);
    close(fd);
    if (base == MAP_FAILED) {
        return info.Env().Null();
    }
    auto* mapping = new FileMapping{base, size};
    void* data = static_cast<uint8_t*>(base) + (offset - start);
    return Napi::ArrayBuffer::New(info.Env(), data, (size_t)length, [](Napi::Env, void*, FileMapping* m) {
        munmap(m->base, m->size);
        delete m;
    }, mapping);
#else
    return info.Env().Null();
#endif
}

Napi::Value quantizeBlocksValue(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    if (info.Length() != 4 || !info[0].IsNumber() || !info[1].IsTypedArray() || !info[2].IsTypedArray() || !info[3].IsNumber()) {
        throw Napi::TypeError::New(env, "quantizeBlocks: expected (type, Float32Array, Uint8Array, threads)");
    }
    const Napi::TypedArray src = info[1].As<Napi::TypedArray>();
    const Napi::TypedArray out = info[2].As<Napi::TypedArray>();
    if (src.TypedArrayType() != napi_float32_array || out.TypedArrayType() != napi_uint8_array) {
        throw Napi::TypeError::New(env, "quantizeBlocks: expected (type, Float32Array, Uint8Array, threads)");
    }
    const double type = info[0].As<Napi::Number>().DoubleValue();
    const double threads = info[3].As<Napi::Number>().DoubleValue();
    int block = 0, bytes = 0;
    if (!(type >= 0 && type < 64 && type == std::floor(type)) || !quantizeBlocksSupported((int)type, &block, &bytes)) {
        return Napi::Boolean::New(env, false);
    }
    if (!(threads >= 1 && threads <= 1024 && threads == std::floor(threads))) {
        throw Napi::RangeError::New(env, "quantizeBlocks: threads must be an integer in [1, 1024]");
    }
    const size_t n = src.ElementLength();
    if (n % (size_t)block != 0 || out.ByteLength() != n / block * bytes) {
        throw Napi::RangeError::New(env, "quantizeBlocks: src must be whole blocks and out exactly their bytes");
    }
    const float* s = reinterpret_cast<const float*>(static_cast<const uint8_t*>(src.ArrayBuffer().Data()) + src.ByteOffset());
    uint8_t* o = static_cast<uint8_t*>(out.ArrayBuffer().Data()) + out.ByteOffset();
    for (size_t i = 0; i < n; i++) {
        if (!std::isfinite(s[i])) {
            return Napi::Boolean::New(env, false);  // NaN's sign and payload are the engine's: the TS reference decides
        }
    }
    quantizeBlocks((int)type, s, n / block, o, (int)threads);
    return Napi::Boolean::New(env, true);
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
    exports.Set("adviseHugePages", Napi::Function::New(env, adviseHugePages));
    exports.Set("Context", Context::define(env));
    exports.Set("cpuFeatures", Napi::Function::New(env, cpuFeatures));
    exports.Set("mapFile", Napi::Function::New(env, mapFile));
    exports.Set("quantizeBlocks", Napi::Function::New(env, quantizeBlocksValue));
    exports.Set("variants", Napi::Function::New(env, variants));
    exports.Set("setErrorFactory", Napi::Function::New(env, setErrorFactory));
    return exports;
}

}  // namespace
}  // namespace mellama

static Napi::Object initModule(Napi::Env env, Napi::Object exports) { return mellama::init(env, exports); }

NODE_API_MODULE(mellama_kernels, initModule)
