// quantizeBlocks.cpp: ggml's reference quantizers for Q8_0 and the K-quants (Q2_K..Q6_K) in C++, the fast twin
// of src/formats/quant/*.ts. Those TypeScript files are the readable reference (checked bit for bit against
// reference/py/ggml_quants.py); this file repeats them operation for operation so that every output byte is
// the same for every input, NaN, Inf, signed zeros and subnormals included:
//   - every arithmetic step is one IEEE float32 operation (Math.fround in the TS), never fused: this file is
//     compiled for baseline targets with contraction turned off below;
//   - levels are kept as floats the way the TS keeps them as numbers (NaN stays NaN inside a search), and turned
//     into integers only where the TS stores them into an Int32Array or masks them (JavaScript's ToInt32);
//   - Math.min/Math.max are reproduced with their NaN and signed-zero rules, nearestInt as round-half-even.
// Quantizing is a per-block search (make_qkx2_quants tries 21 scales per sub-block), about 100x slower than
// decoding in TypeScript; here it runs on several threads, each taking whole blocks, so the output does not
// depend on the thread count.
#include "quantizeBlocks.h"

// No fused multiply-add anywhere in this file (clang contracts by default, GCC wherever FMA is enabled).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

namespace mellama {
namespace {

constexpr int QK_K = 256;

// JavaScript's Math.min / Math.max: NaN wins; -0 < +0.
inline float jsMin(float a, float b) {
    if (std::isnan(a) || std::isnan(b)) {
        return NAN;
    }
    if (a == b) {
        return std::signbit(a) ? a : b;
    }
    return a < b ? a : b;
}
inline float jsMax(float a, float b) {
    if (std::isnan(a) || std::isnan(b)) {
        return NAN;
    }
    if (a == b) {
        return std::signbit(a) ? b : a;
    }
    return a > b ? a : b;
}
// clamp(lo, hi, v) of kQuantMath.ts, Math.max(lo, Math.min(hi, v)), for the search loops: NaN stays NaN, but a
// -0 is not made +0 as Math.max(0, -0) would. That sign never reaches an output: a clamped level is either
// stored as an integer or multiplied into a sum that starts at +0 (where +0 + -0 is +0, and a nonzero sum is
// unchanged), and kept branch-free this is the searches' inner loop's cheapest form.
inline float jsClamp(float lo, float hi, float v) {
    const float m = v > hi ? hi : v;
    return m < lo ? lo : m;
}

// JavaScript's ToInt32 (storing into an Int32Array, `& 0xff`, `<< 4`): NaN and Inf are 0, else truncation
// modulo 2^32.
inline int32_t toInt32(double v) {
    if (v > -2147483649.0 && v < 2147483648.0) {
        return (int32_t)v;  // truncates, without the libm call std::trunc is on baseline x86-64
    }
    if (!std::isfinite(v)) {
        return 0;
    }
    double t = std::trunc(v);
    if (t >= -2147483648.0 && t <= 2147483647.0) {
        return (int32_t)t;
    }
    double m = std::fmod(t, 4294967296.0);
    if (m < 0) {
        m += 4294967296.0;
    }
    return (int32_t)(uint32_t)m;
}

// ggml's nearest_int, round half to even, with nearestInt's (kQuantMath.ts) signed zero: adding 1.5 * 2^23 leaves
// the rounded value in the low mantissa bits for |v| < 2^22 (exact, and without the libm call nearbyintf is on
// baseline x86-64); larger values, Inf and NaN go through nearbyintf.
inline float nearestInt(float v) {
    if (!(std::fabs(v) < 4194304.0f)) {
        return std::nearbyint(v);
    }
    const float biased = v + 12582912.0f;
    int32_t bits;
    std::memcpy(&bits, &biased, 4);
    // A nonzero result has v's sign already; a zero takes it (Math.round(-0.3) is -0).
    return std::copysign((float)((bits & 0x007fffff) - 0x00400000), v);
}

const float GROUP_MAX_EPS = 1e-15f;

uint16_t f32ToF16Bits(float value) {
    uint32_t x;
    std::memcpy(&x, &value, 4);
    const uint32_t sign = (x >> 16) & 0x8000;
    const int exp = (int)((x >> 23) & 0xff);
    uint32_t mant = x & 0x7fffff;
    if (exp == 0xff) {
        return (uint16_t)(mant == 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >> 13));
    }
    const int e = exp - 127 + 15;
    if (e >= 0x1f) {
        return (uint16_t)(sign | 0x7c00);
    }
    if (e <= 0) {
        if (e < -10) {
            return (uint16_t)sign;
        }
        mant |= 0x800000;
        const int shift = 14 - e;
        const uint32_t half = 1u << (shift - 1);
        const uint32_t rest = mant & ((1u << shift) - 1);
        uint32_t h = mant >> shift;
        if (rest > half || (rest == half && (h & 1) == 1)) {
            h += 1;
        }
        return (uint16_t)(sign | h);
    }
    const uint32_t rest = mant & 0x1fff;
    uint32_t h = ((uint32_t)e << 10) | (mant >> 13);
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) {
        h += 1;
    }
    return (uint16_t)(sign | h);
}

float f16BitsToF32(uint16_t h) {
    const float sign = (h & 0x8000) ? -1.0f : 1.0f;
    const int exp = (h >> 10) & 0x1f;
    const int mant = h & 0x3ff;
    if (exp == 0) {
        return sign * std::ldexp((float)mant, -24);
    }
    if (exp == 0x1f) {
        return mant == 0 ? sign * INFINITY : NAN;
    }
    return sign * std::ldexp((float)(1024 + mant), exp - 25);
}

void putU16(uint8_t* p, uint16_t v) {
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)(v >> 8);
}

// kQuantMath.ts signedMax: the largest magnitude, returned, and the signed value that has it (the first on ties).
float signedMax(const float* x, int n, float* max) {
    float amax = 0;
    *max = 0;
    for (int i = 0; i < n; i++) {
        if (std::fabs(x[i]) > amax) {
            amax = std::fabs(x[i]);
            *max = x[i];
        }
    }
    return amax;
}

// make_qx_quants (rmse_type 1, weights x^2); L gets level + nmax.
float makeQxQuants(const float* x, int n, int nmax, int32_t* L) {
    float max = 0;
    if (signedMax(x, n, &max) < GROUP_MAX_EPS) {
        std::memset(L, 0, sizeof(int32_t) * n);
        return 0;
    }
    const float fn = (float)nmax;
    float iscale = -fn / max;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; i++) {
        const float xi = x[i];
        const float l = jsClamp(-fn, fn - 1, nearestInt(iscale * xi));
        L[i] = toInt32((double)l + nmax);
        const float w = xi * xi;
        sumlx = sumlx + (w * xi) * l;
        suml2 = suml2 + (w * l) * l;
    }
    float scale = suml2 != 0 ? sumlx / suml2 : 0;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; is++) {
        if (is == 0) {
            continue;
        }
        iscale = -(fn + 0.1f * (float)is) / max;
        sumlx = 0;
        suml2 = 0;
        for (int i = 0; i < n; i++) {
            const float xi = x[i];
            const float l = jsClamp(-fn, fn - 1, nearestInt(iscale * xi));
            const float w = xi * xi;
            sumlx = sumlx + (w * xi) * l;
            suml2 = suml2 + (w * l) * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; i++) {
                L[i] = toInt32((double)fn + jsClamp(-fn, fn - 1, nearestInt(iscale * x[i])));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// make_q3_quants with do_rmse; L gets level + nmax.
float makeQ3Quants(const float* x, int n, int nmax, int32_t* L) {
    float max = 0;
    if (signedMax(x, n, &max) < GROUP_MAX_EPS) {
        std::memset(L, 0, sizeof(int32_t) * n);
        return 0;
    }
    const float fn = (float)nmax;
    const float iscale = -fn / max;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; i++) {
        const float xi = x[i];
        const float l = jsClamp(-fn, fn - 1, nearestInt(iscale * xi));
        L[i] = toInt32(l);
        const float w = xi * xi;
        sumlx = sumlx + (w * xi) * l;
        suml2 = suml2 + (w * l) * l;
    }
    for (int itry = 0; itry < 5; itry++) {
        int changed = 0;
        for (int i = 0; i < n; i++) {
            const float xi = x[i];
            const float li = (float)L[i];
            const float w = xi * xi;
            float slx = sumlx - (w * xi) * li;
            if (slx > 0) {
                float sl2 = suml2 - (w * li) * li;
                const float nl = jsClamp(-fn, fn - 1, nearestInt((xi * sl2) / slx));
                if (!(nl == li)) {
                    slx = slx + (w * xi) * nl;
                    sl2 = sl2 + (w * nl) * nl;
                    if (sl2 > 0 && (slx * slx) * suml2 > (sumlx * sumlx) * sl2) {
                        L[i] = toInt32(nl);
                        sumlx = slx;
                        suml2 = sl2;
                        changed++;
                    }
                }
            }
        }
        if (changed == 0) {
            break;
        }
    }
    for (int i = 0; i < n; i++) {
        L[i] = L[i] + nmax;
    }
    return suml2 > 0 ? sumlx / suml2 : 0;
}

// make_qkx2_quants (kQuantMath.ts makeQkx2Quants) over K independent sub-blocks at once (sub-block k: x + k * n,
// weights + k * n, L + k * n; its scale in scales[k], its subtracted minimum in mins[k]). Each lane runs exactly
// makeQkx2Quants's operations in the same order; only the lanes' steps are interleaved. One sub-block's search is a chain of dependent float additions
// (each candidate starts from the minimum the previous one chose), so on its own it waits on add latency; K
// chains side by side fill those waits.
template <int K>
void makeQkx2QuantsLanes(const float* x, int n, int nmax, const float* weights, int32_t* L, float rmin, float rdelta,
                         int nstep, bool useMad, float* scales, float* mins) {
    float min[K], max[K], sumW[K], sumX[K], iscale[K], scale[K], best[K];
    bool flat[K];
    for (int k = 0; k < K; k++) {
        const float* xk = x + k * n;
        const float* wk = weights + k * n;
        min[k] = xk[0];
        max[k] = xk[0];
        sumW[k] = wk[0];
        sumX[k] = sumW[k] * xk[0];
    }
    for (int i = 1; i < n; i++) {
        for (int k = 0; k < K; k++) {
            const float xi = x[k * n + i];
            if (xi < min[k]) {
                min[k] = xi;
            }
            if (xi > max[k]) {
                max[k] = xi;
            }
            const float w = weights[k * n + i];
            sumW[k] = sumW[k] + w;
            sumX[k] = sumX[k] + w * xi;
        }
    }
    const float fn = (float)nmax;
    bool allFlat = true;
    for (int k = 0; k < K; k++) {
        if (min[k] > 0) {
            min[k] = 0;
        }
        flat[k] = max[k] == min[k];
        allFlat = allFlat && flat[k];
        iscale[k] = flat[k] ? 0 : fn / (max[k] - min[k]);
        scale[k] = flat[k] ? 0 : 1 / iscale[k];
        best[k] = 0;
    }
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < K; k++) {
            const float xi = x[k * n + i];
            const float l = jsClamp(0, fn, nearestInt(iscale[k] * (xi - min[k])));
            L[k * n + i] = flat[k] ? 0 : toInt32(l);
            const float diff = ((scale[k] * l) + min[k]) - xi;
            best[k] = best[k] + weights[k * n + i] * (useMad ? std::fabs(diff) : diff * diff);
        }
    }
    int32_t laux[K][32];
    for (int is = 0; is <= nstep && !allFlat; is++) {
        float sumL[K], sumL2[K], sumXL[K];
        for (int k = 0; k < K; k++) {
            iscale[k] = ((rmin + rdelta * (float)is) + fn) / (max[k] - min[k]);
            sumL[k] = sumL2[k] = sumXL[k] = 0;
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < K; k++) {
                const float xi = x[k * n + i];
                const float l = jsClamp(0, fn, nearestInt(iscale[k] * (xi - min[k])));
                laux[k][i] = toInt32(l);
                const float wl = weights[k * n + i] * l;
                sumL[k] = sumL[k] + wl;
                sumL2[k] = sumL2[k] + wl * l;
                sumXL[k] = sumXL[k] + wl * xi;
            }
        }
        float thisScale[K], thisMin[K], cur[K];
        bool fit[K];
        for (int k = 0; k < K; k++) {
            const float D = (sumW[k] * sumL2[k]) - (sumL[k] * sumL[k]);
            fit[k] = !flat[k] && D > 0;
            thisScale[k] = ((sumW[k] * sumXL[k]) - (sumX[k] * sumL[k])) / D;
            thisMin[k] = ((sumL2[k] * sumX[k]) - (sumL[k] * sumXL[k])) / D;
            if (thisMin[k] > 0) {
                thisMin[k] = 0;
                thisScale[k] = sumXL[k] / sumL2[k];
            }
            cur[k] = 0;
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < K; k++) {
                const float diff = ((thisScale[k] * (float)laux[k][i]) + thisMin[k]) - x[k * n + i];
                cur[k] = cur[k] + weights[k * n + i] * (useMad ? std::fabs(diff) : diff * diff);
            }
        }
        for (int k = 0; k < K; k++) {
            if (fit[k] && cur[k] < best[k]) {
                std::memcpy(L + k * n, laux[k], sizeof(int32_t) * n);
                best[k] = cur[k];
                scale[k] = thisScale[k];
                min[k] = thisMin[k];
            }
        }
    }
    for (int k = 0; k < K; k++) {
        mins[k] = -min[k];
        scales[k] = flat[k] ? 0 : scale[k];
    }
}

void scaleMinK4(const uint8_t* q, int j, int* sc, int* mn) {
    if (j < 4) {
        *sc = q[j] & 63;
        *mn = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4);
        *mn = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// One Q4_K (bits 4) or Q5_K (bits 5) super-block; midBitKQuants.ts quantize45.
void quantize45Block(int bits, const float* x, uint8_t* out) {
    const int nmax = bits == 4 ? 15 : 31;
    const int bb = bits == 4 ? 144 : 176;
    int32_t L[QK_K];
    float weights[QK_K], scales[8], mins[8];
    for (int j = 0; j < 8; j++) {
        float sumX2 = 0;
        for (int l = 0; l < 32; l++) {
            const float v = x[32 * j + l];
            sumX2 = sumX2 + v * v;
        }
        const float avX = std::sqrt(sumX2 / 32);
        for (int l = 0; l < 32; l++) {
            weights[32 * j + l] = avX + std::fabs(x[32 * j + l]);
        }
    }
    for (int j = 0; j < 8; j += 4) {
        if (bits == 4) {
            makeQkx2QuantsLanes<4>(x + 32 * j, 32, 15, weights + 32 * j, L + 32 * j, -1, 0.1f, 20, false, scales + j, mins + j);
        } else {
            makeQkx2QuantsLanes<4>(x + 32 * j, 32, 31, weights + 32 * j, L + 32 * j, -0.5f, 0.1f, 15, false, scales + j, mins + j);
        }
    }
    float maxScale = 0, maxMin = 0;
    for (int j = 0; j < 8; j++) {
        maxScale = scales[j] > maxScale ? scales[j] : maxScale;
        maxMin = mins[j] > maxMin ? mins[j] : maxMin;
    }
    const float invScale = maxScale > 0 ? 63 / maxScale : 0;
    const float invMin = maxMin > 0 ? 63 / maxMin : 0;
    uint8_t* s = out + 4;
    std::memset(out, 0, bb);
    for (int j = 0; j < 8; j++) {
        const int ls = std::min(63, toInt32(nearestInt(invScale * scales[j])) & 0xff);
        const int lm = std::min(63, toInt32(nearestInt(invMin * mins[j])) & 0xff);
        if (j < 4) {
            s[j] = (uint8_t)ls;
            s[j + 4] = (uint8_t)lm;
        } else {
            s[j + 4] = (uint8_t)((ls & 0xf) | ((lm & 0xf) << 4));
            s[j - 4] = (uint8_t)(s[j - 4] | ((ls >> 4) << 6));
            s[j] = (uint8_t)(s[j] | ((lm >> 4) << 6));
        }
    }
    const uint16_t dBits = f32ToF16Bits(maxScale / 63);
    const uint16_t dminBits = f32ToF16Bits(maxMin / 63);
    for (int j = 0; j < 8; j++) {
        int sc, mn;
        scaleMinK4(s, j, &sc, &mn);
        const float d = f16BitsToF32(dBits) * (float)sc;
        if (d == 0) {
            continue;
        }
        const float dm = f16BitsToF32(dminBits) * (float)mn;
        for (int i = 0; i < 32; i++) {
            L[32 * j + i] = toInt32(jsMax(0, jsMin((float)nmax, nearestInt((x[32 * j + i] + dm) / d))));
        }
    }
    putU16(out, dBits);
    putU16(out + 2, dminBits);
    uint8_t* qh = out + 16;
    uint8_t* qs = out + (bits == 4 ? 16 : 48);
    for (int n = 0; n < QK_K; n += 64) {
        for (int j = 0; j < 32; j++) {
            int l1 = L[n + j];
            int l2 = L[n + j + 32];
            if (bits == 5) {
                if (l1 > 15) {
                    l1 -= 16;
                    qh[j] = (uint8_t)(qh[j] | (1 << (n / 32)));
                }
                if (l2 > 15) {
                    l2 -= 16;
                    qh[j] = (uint8_t)(qh[j] | (2 << (n / 32)));
                }
            }
            qs[n / 2 + j] = (uint8_t)(l1 | (l2 << 4));
        }
    }
}

void quantizeQ6_KBlock(const float* x, uint8_t* out) {
    int32_t L[QK_K];
    float scales[16];
    float maxScale = 0, maxAbs = 0;
    for (int j = 0; j < 16; j++) {
        scales[j] = makeQxQuants(x + 16 * j, 16, 32, L + 16 * j);
        if (std::fabs(scales[j]) > maxAbs) {
            maxAbs = std::fabs(scales[j]);
            maxScale = scales[j];
        }
    }
    std::memset(out, 0, 210);
    if (maxAbs < GROUP_MAX_EPS) {
        return;
    }
    const float iscale = -128 / maxScale;
    const uint16_t dBits = f32ToF16Bits(1 / iscale);
    const float d = f16BitsToF32(dBits);
    for (int j = 0; j < 16; j++) {
        const int sc = ((toInt32((double)jsMin(127, nearestInt(iscale * scales[j])) + 128)) & 0xff) - 128;
        out[192 + j] = (uint8_t)(sc & 0xff);
        const float dd = d * (float)sc;
        if (dd == 0) {
            continue;
        }
        for (int i = 0; i < 16; i++) {
            L[16 * j + i] = toInt32((double)jsMax(-32, jsMin(31, nearestInt(x[16 * j + i] / dd))) + 32);
        }
    }
    for (int j = 0; j < QK_K; j += 128) {
        for (int l = 0; l < 32; l++) {
            uint8_t* ql = out + j / 2 + l;
            ql[0] = (uint8_t)((L[j + l] & 0xf) | ((L[j + l + 64] & 0xf) << 4));
            ql[32] = (uint8_t)((L[j + l + 32] & 0xf) | ((L[j + l + 96] & 0xf) << 4));
            out[128 + j / 4 + l] = (uint8_t)((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) |
                                             ((L[j + l + 96] >> 4) << 6));
        }
    }
    putU16(out + 208, dBits);
}

void pack2Bit(uint8_t* out, const int32_t* L) {
    for (int j = 0; j < QK_K; j += 128) {
        for (int l = 0; l < 32; l++) {
            out[j / 4 + l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
        }
    }
}

void quantizeQ2_KBlock(const float* x, uint8_t* out) {
    int32_t L[QK_K];
    float weights[QK_K], scales[16], mins[16];
    for (int i = 0; i < QK_K; i++) {
        weights[i] = std::fabs(x[i]);
    }
    for (int j = 0; j < 16; j += 4) {
        makeQkx2QuantsLanes<4>(x + 16 * j, 16, 3, weights + 16 * j, L + 16 * j, -0.5f, 0.1f, 15, true, scales + j, mins + j);
    }
    float maxScale = 0, maxMin = 0;
    for (int j = 0; j < 16; j++) {
        maxScale = scales[j] > maxScale ? scales[j] : maxScale;
        maxMin = mins[j] > maxMin ? mins[j] : maxMin;
    }
    std::memset(out, 0, 16);
    float d = 0, dmin = 0;
    if (maxScale > 0) {
        const float iscale = 15 / maxScale;
        for (int j = 0; j < 16; j++) {
            out[j] = (uint8_t)(toInt32(nearestInt(iscale * scales[j])) & 0xff);
        }
        d = maxScale / 15;
    }
    if (maxMin > 0) {
        const float iscale = 15 / maxMin;
        for (int j = 0; j < 16; j++) {
            out[j] = (uint8_t)((out[j] | ((uint32_t)toInt32(nearestInt(iscale * mins[j])) << 4)) & 0xff);
        }
        dmin = maxMin / 15;
    }
    const uint16_t dBits = f32ToF16Bits(d);
    const uint16_t dminBits = f32ToF16Bits(dmin);
    for (int j = 0; j < 16; j++) {
        const float dd = f16BitsToF32(dBits) * (float)(out[j] & 0xf);
        if (dd == 0) {
            continue;
        }
        const float dm = f16BitsToF32(dminBits) * (float)(out[j] >> 4);
        for (int i = 0; i < 16; i++) {
            L[16 * j + i] = toInt32(jsMax(0, jsMin(3, nearestInt((x[16 * j + i] + dm) / dd))));
        }
    }
    pack2Bit(out + 16, L);
    putU16(out + 80, dBits);
    putU16(out + 82, dminBits);
}

int q3Scale(const uint8_t* s, int k) {
    const int low = k < 8 ? s[k] & 0xf : s[k - 8] >> 4;
    return (low | (((s[8 + (k % 4)] >> (2 * (k >> 2))) & 3) << 4)) - 32;
}

void quantizeQ3_KBlock(const float* x, uint8_t* out) {
    int32_t L[QK_K];
    float scales[16];
    float maxScale = 0, amax = 0;
    uint8_t* sAt = out + 96;
    for (int j = 0; j < 16; j++) {
        scales[j] = makeQ3Quants(x + 16 * j, 16, 4, L + 16 * j);
        if (std::fabs(scales[j]) > amax) {
            amax = std::fabs(scales[j]);
            maxScale = scales[j];
        }
    }
    std::memset(out, 0, 110);
    float d = 0;
    if (maxScale != 0) {
        const float iscale = -32 / maxScale;
        for (int j = 0; j < 16; j++) {
            int l = ((toInt32((double)nearestInt(iscale * scales[j]) + 128)) & 0xff) - 128;
            l = std::max(-32, std::min(31, l)) + 32;
            if (j < 8) {
                sAt[j] = (uint8_t)(l & 0xf);
            } else {
                sAt[j - 8] = (uint8_t)(sAt[j - 8] | ((l & 0xf) << 4));
            }
            sAt[8 + (j % 4)] = (uint8_t)(sAt[8 + (j % 4)] | ((l >> 4) << (2 * (j >> 2))));
        }
        d = 1 / iscale;
    }
    const uint16_t dBits = f32ToF16Bits(d);
    for (int j = 0; j < 16; j++) {
        const float dd = f16BitsToF32(dBits) * (float)q3Scale(sAt, j);
        if (dd == 0) {
            continue;
        }
        for (int i = 0; i < 16; i++) {
            L[16 * j + i] = toInt32((double)jsMax(-4, jsMin(3, nearestInt(x[16 * j + i] / dd))) + 4);
        }
    }
    int m = 0, hm = 1;
    for (int j = 0; j < QK_K; j++) {
        if (L[j] > 3) {
            out[m] = (uint8_t)(out[m] | hm);
            L[j] -= 4;
        }
        if (++m == 32) {
            m = 0;
            hm <<= 1;
        }
    }
    pack2Bit(out + 32, L);
    putU16(out + 108, dBits);
}

// q8_0.ts: amax, d = amax / 127, q = roundf(x / d) (half away from zero; setInt8 wraps like ToInt32).
void quantizeQ8_0Block(const float* x, uint8_t* out) {
    float amax = 0;
    for (int j = 0; j < 32; j++) {
        amax = jsMax(amax, std::fabs(x[j]));
    }
    const float d = amax / 127;
    const float id = d != 0 ? 1 / d : 0;
    putU16(out, f32ToF16Bits(d));
    for (int j = 0; j < 32; j++) {
        const float v = x[j] * id;
        const double r = std::isnan(v) ? (double)NAN : std::copysign(std::floor((double)std::fabs(v) + 0.5), (double)v);
        out[2 + j] = (uint8_t)(toInt32(r) & 0xff);
    }
}

struct TypeInfo {
    int block;
    int bytes;
    void (*fn)(const float*, uint8_t*);
};

void q4K(const float* x, uint8_t* out) { quantize45Block(4, x, out); }
void q5K(const float* x, uint8_t* out) { quantize45Block(5, x, out); }

bool typeInfo(int type, TypeInfo* t) {
    switch (type) {
        case 8: *t = {32, 34, quantizeQ8_0Block}; return true;
        case 10: *t = {QK_K, 84, quantizeQ2_KBlock}; return true;
        case 11: *t = {QK_K, 110, quantizeQ3_KBlock}; return true;
        case 12: *t = {QK_K, 144, q4K}; return true;
        case 13: *t = {QK_K, 176, q5K}; return true;
        case 14: *t = {QK_K, 210, quantizeQ6_KBlock}; return true;
        default: return false;
    }
}

}  // namespace

bool quantizeBlocksSupported(int type, int* block, int* bytes) {
    TypeInfo t;
    if (!typeInfo(type, &t)) {
        return false;
    }
    *block = t.block;
    *bytes = t.bytes;
    return true;
}

void quantizeBlocks(int type, const float* src, size_t blocks, uint8_t* out, int threads) {
    TypeInfo t;
    if (!typeInfo(type, &t) || blocks == 0) {
        return;
    }
    auto range = [&](size_t from, size_t to) {
        for (size_t b = from; b < to; b++) {
            t.fn(src + b * t.block, out + b * t.bytes);
        }
    };
    // Threads only pay off on big tensors; each thread takes one contiguous range of whole blocks.
    const size_t minPerThread = 256;
    size_t n = threads < 1 ? 1 : (size_t)threads;
    if (n > blocks / minPerThread) {
        n = blocks / minPerThread > 0 ? blocks / minPerThread : 1;
    }
    if (n == 1) {
        range(0, blocks);
        return;
    }
    std::vector<std::thread> workers;
    for (size_t i = 1; i < n; i++) {
        workers.emplace_back(range, blocks * i / n, blocks * (i + 1) / n);
    }
    range(0, blocks / n);
    for (auto& w : workers) {
        w.join();
    }
}

}  // namespace mellama
