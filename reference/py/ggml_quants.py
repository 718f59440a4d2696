"""ggml's block quantization formats in numpy, written from the format description (ggml-common.h block structs)
and the reference quantizers of ggml-quants.c (quantize_row_*_ref, make_qx_quants, make_q3_quants,
make_qkx2_quants): Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K.

Every arithmetic step is a float32 operation in the order the reference states it, with no fused multiply-add,
so the result is exactly defined; `nearest_int` is round-half-to-even of the float32 value (ggml adds 1.5 * 2^23
and reads the mantissa). Scales are stored as IEEE half, round to nearest even.

Used by make_quant_fixtures.py (dequantize/quantize oracles) and make_quant_gguf.py (an independent GGUF writer).
"""
import numpy as np

F = np.float32
QK_K = 256

# (values per block, bytes per block), ggml's type_traits
BLOCK = {"Q4_0": (32, 18), "Q4_1": (32, 20), "Q5_0": (32, 22), "Q5_1": (32, 24), "Q8_0": (32, 34),
         "Q2_K": (256, 84), "Q3_K": (256, 110), "Q4_K": (256, 144), "Q5_K": (256, 176), "Q6_K": (256, 210)}
GGML_TYPE = {"F32": 0, "F16": 1, "Q4_0": 2, "Q4_1": 3, "Q5_0": 6, "Q5_1": 7, "Q8_0": 8, "Q2_K": 10, "Q3_K": 11,
             "Q4_K": 12, "Q5_K": 13, "Q6_K": 14}


def f16_bits(v):
    return int(np.array([F(v)], dtype=np.float32).astype(np.float16).view(np.uint16)[0])


def f16_round(v):
    return F(np.array([F(v)], dtype=np.float32).astype(np.float16).astype(np.float32)[0])


def h2f(b):
    return F(np.array([b], dtype=np.uint16).view(np.float16).astype(np.float32)[0])


def u16(b, o):
    return int(b[o]) | (int(b[o + 1]) << 8)


def nearest_int(v):
    return int(np.rint(F(v)))


def trunc_int(v):
    return int(np.trunc(F(v)))


# ---------------------------------------------------------------- legacy 32-value blocks

def quant_q4_0(x):
    out = bytearray()
    for b in range(len(x) // 32):
        xb = x[b * 32:(b + 1) * 32]
        amax, mx = F(0), F(0)
        for v in xb:
            if amax < abs(v):
                amax, mx = F(abs(v)), F(v)
        d = F(mx / F(-8))
        idv = F(F(1) / d) if d != 0 else F(0)
        qs = bytearray(16)
        for j in range(16):
            x0 = F(xb[j] * idv)
            x1 = F(xb[16 + j] * idv)
            xi0 = min(15, trunc_int(F(x0 + F(8.5))))
            xi1 = min(15, trunc_int(F(x1 + F(8.5))))
            qs[j] = (xi0 & 0xFF) | ((xi1 << 4) & 0xFF)
        out += f16_bits(d).to_bytes(2, "little") + qs
    return bytes(out)


def quant_q4_1(x, bits=4):
    out = bytearray()
    nmax = (1 << bits) - 1
    for b in range(len(x) // 32):
        xb = x[b * 32:(b + 1) * 32]
        mn, mx = F(np.finfo(np.float32).max), F(-np.finfo(np.float32).max)
        for v in xb:
            if v < mn:
                mn = F(v)
            if v > mx:
                mx = F(v)
        d = F(F(mx - mn) / F(nmax))
        idv = F(F(1) / d) if d != 0 else F(0)
        qs = bytearray(16)
        qh = 0
        for j in range(16):
            x0 = F(F(xb[j] - mn) * idv)
            x1 = F(F(xb[16 + j] - mn) * idv)
            if bits == 4:
                xi0 = min(15, trunc_int(F(x0 + F(0.5))))
                xi1 = min(15, trunc_int(F(x1 + F(0.5))))
            else:
                xi0 = trunc_int(F(x0 + F(0.5))) & 0xFF
                xi1 = trunc_int(F(x1 + F(0.5))) & 0xFF
            qs[j] = (xi0 & 0x0F) | ((xi1 & 0x0F) << 4)
            qh |= ((xi0 & 0x10) >> 4) << j
            qh |= ((xi1 & 0x10) >> 4) << (j + 16)
        head = f16_bits(d).to_bytes(2, "little") + f16_bits(mn).to_bytes(2, "little")
        out += head + (qh.to_bytes(4, "little") if bits == 5 else b"") + qs
    return bytes(out)


def quant_q5_0(x):
    out = bytearray()
    for b in range(len(x) // 32):
        xb = x[b * 32:(b + 1) * 32]
        amax, mx = F(0), F(0)
        for v in xb:
            if amax < abs(v):
                amax, mx = F(abs(v)), F(v)
        d = F(mx / F(-16))
        idv = F(F(1) / d) if d != 0 else F(0)
        qs = bytearray(16)
        qh = 0
        for j in range(16):
            xi0 = min(31, trunc_int(F(F(xb[j] * idv) + F(16.5))))
            xi1 = min(31, trunc_int(F(F(xb[16 + j] * idv) + F(16.5))))
            qs[j] = (xi0 & 0x0F) | ((xi1 & 0x0F) << 4)
            qh |= ((xi0 & 0x10) >> 4) << j
            qh |= ((xi1 & 0x10) >> 4) << (j + 16)
        out += f16_bits(d).to_bytes(2, "little") + qh.to_bytes(4, "little") + qs
    return bytes(out)


def quant_q8_0(x):
    out = bytearray()
    for b in range(len(x) // 32):
        xb = x[b * 32:(b + 1) * 32]
        amax = F(0)
        for v in xb:
            amax = max(amax, F(abs(v)))
        d = F(amax / F(127))
        idv = F(F(1) / d) if d != 0 else F(0)
        qs = bytearray(32)
        for j in range(32):
            v = F(xb[j] * idv)
            qs[j] = int(np.sign(v) * np.floor(abs(v) + 0.5)) & 0xFF  # roundf: half away from zero
        out += f16_bits(d).to_bytes(2, "little") + qs
    return bytes(out)


def dequant_legacy(t, data, n):
    qk, bb = BLOCK[t]
    y = np.zeros(n, dtype=np.float32)
    for b in range(n // qk):
        blk = data[b * bb:(b + 1) * bb]
        d = h2f(u16(blk, 0))
        if t == "Q8_0":
            for j in range(32):
                y[b * 32 + j] = F(F(int(np.int8(blk[2 + j]))) * d)
            continue
        m = h2f(u16(blk, 2)) if t in ("Q4_1", "Q5_1") else None
        qh = 0
        off = 2 if t in ("Q4_0", "Q5_0") else 4
        if t in ("Q5_0", "Q5_1"):
            qh = int.from_bytes(blk[off:off + 4], "little")
            off += 4
        qs = blk[off:off + 16]
        for j in range(16):
            q0, q1 = qs[j] & 0x0F, qs[j] >> 4
            if t in ("Q5_0", "Q5_1"):
                q0 |= ((qh >> j) << 4) & 0x10
                q1 |= (qh >> (j + 12)) & 0x10
            if t in ("Q4_0", "Q5_0"):
                off0 = 8 if t == "Q4_0" else 16
                y[b * 32 + j] = F(F(q0 - off0) * d)
                y[b * 32 + j + 16] = F(F(q1 - off0) * d)
            else:
                y[b * 32 + j] = F(F(F(q0) * d) + m)
                y[b * 32 + j + 16] = F(F(F(q1) * d) + m)
    return y


# ---------------------------------------------------------------- K-quant helpers

def make_qx_quants(x, nmax, rmse_type):
    """ggml's make_qx_quants with no importance weights: returns (scale, L in [0, 2*nmax))."""
    n = len(x)
    mx, amax = F(0), F(0)
    for v in x:
        if abs(v) > amax:
            amax, mx = F(abs(v)), F(v)
    if amax < F(1e-15):
        return F(0), [0] * n
    iscale = F(F(-nmax) / mx)
    L = [0] * n
    if rmse_type == 0:
        for i in range(n):
            L[i] = nmax + max(-nmax, min(nmax - 1, nearest_int(F(iscale * x[i]))))
        return F(F(1) / iscale), L

    def weight(v):
        return F(v * v)  # rmse_type 1

    sumlx, suml2 = F(0), F(0)
    for i in range(n):
        l = max(-nmax, min(nmax - 1, nearest_int(F(iscale * x[i]))))
        L[i] = l + nmax
        w = weight(x[i])
        sumlx = F(sumlx + F(F(w * x[i]) * F(l)))
        suml2 = F(suml2 + F(F(w * F(l)) * F(l)))
    scale = F(sumlx / suml2) if suml2 != 0 else F(0)
    best = F(scale * sumlx)
    for s in range(-9, 10):
        if s == 0:
            continue
        iscale = F(F(-F(F(nmax) + F(F(0.1) * F(s)))) / mx)
        sumlx, suml2 = F(0), F(0)
        for i in range(n):
            l = max(-nmax, min(nmax - 1, nearest_int(F(iscale * x[i]))))
            w = weight(x[i])
            sumlx = F(sumlx + F(F(w * x[i]) * F(l)))
            suml2 = F(suml2 + F(F(w * F(l)) * F(l)))
        if suml2 > 0 and F(sumlx * sumlx) > F(best * suml2):
            for i in range(n):
                L[i] = nmax + max(-nmax, min(nmax - 1, nearest_int(F(iscale * x[i]))))
            scale = F(sumlx / suml2)
            best = F(scale * sumlx)
    return scale, L


def make_q3_quants(x, nmax):
    """ggml's make_q3_quants with do_rmse: returns (scale, L in [0, 2*nmax))."""
    n = len(x)
    mx, amax = F(0), F(0)
    for v in x:
        if abs(v) > amax:
            amax, mx = F(abs(v)), F(v)
    if amax < F(1e-15):
        return F(0), [0] * n
    iscale = F(F(-nmax) / mx)
    L = [0] * n
    sumlx, suml2 = F(0), F(0)
    for i in range(n):
        l = max(-nmax, min(nmax - 1, nearest_int(F(iscale * x[i]))))
        L[i] = l
        w = F(x[i] * x[i])
        sumlx = F(sumlx + F(F(w * x[i]) * F(l)))
        suml2 = F(suml2 + F(F(w * F(l)) * F(l)))
    for _ in range(5):
        changed = 0
        for i in range(n):
            w = F(x[i] * x[i])
            slx = F(sumlx - F(F(w * x[i]) * F(L[i])))
            if slx > 0:
                sl2 = F(suml2 - F(F(w * F(L[i])) * F(L[i])))
                new_l = max(-nmax, min(nmax - 1, nearest_int(F(F(x[i] * sl2) / slx))))
                if new_l != L[i]:
                    slx = F(slx + F(F(w * x[i]) * F(new_l)))
                    sl2 = F(sl2 + F(F(w * F(new_l)) * F(new_l)))
                    if sl2 > 0 and F(F(slx * slx) * suml2) > F(F(sumlx * sumlx) * sl2):
                        L[i] = new_l
                        sumlx, suml2 = slx, sl2
                        changed += 1
        if changed == 0:
            break
    L = [l + nmax for l in L]
    return (F(sumlx / suml2) if suml2 > 0 else F(0)), L


def make_qkx2_quants(x, w, nmax, rmin, rdelta, nstep, use_mad):
    """ggml's make_qkx2_quants: returns (scale, the_min (>= 0, subtracted), L in [0, nmax])."""
    n = len(x)
    mn, mx = F(x[0]), F(x[0])
    sum_w = F(w[0])
    sum_x = F(sum_w * x[0])
    for i in range(1, n):
        if x[i] < mn:
            mn = F(x[i])
        if x[i] > mx:
            mx = F(x[i])
        sum_w = F(sum_w + w[i])
        sum_x = F(sum_x + F(w[i] * x[i]))
    if mn > 0:
        mn = F(0)
    if mx == mn:
        return F(0), F(-mn), [0] * n
    iscale = F(F(nmax) / F(mx - mn))
    scale = F(F(1) / iscale)
    L = [0] * n
    best = F(0)
    for i in range(n):
        L[i] = max(0, min(nmax, nearest_int(F(iscale * F(x[i] - mn)))))
        diff = F(F(F(scale * F(L[i])) + mn) - x[i])
        diff = F(abs(diff)) if use_mad else F(diff * diff)
        best = F(best + F(w[i] * diff))
    for s in range(nstep + 1):
        iscale = F(F(F(F(rmin) + F(F(rdelta) * F(s))) + F(nmax)) / F(mx - mn))
        Laux = [0] * n
        sum_l, sum_l2, sum_xl = F(0), F(0), F(0)
        for i in range(n):
            l = max(0, min(nmax, nearest_int(F(iscale * F(x[i] - mn)))))
            Laux[i] = l
            wl = F(w[i] * F(l))
            sum_l = F(sum_l + wl)
            sum_l2 = F(sum_l2 + F(wl * F(l)))
            sum_xl = F(sum_xl + F(wl * x[i]))
        D = F(F(sum_w * sum_l2) - F(sum_l * sum_l))
        if D > 0:
            this_scale = F(F(F(sum_w * sum_xl) - F(sum_x * sum_l)) / D)
            this_min = F(F(F(sum_l2 * sum_x) - F(sum_l * sum_xl)) / D)
            if this_min > 0:
                this_min = F(0)
                this_scale = F(sum_xl / sum_l2)
            cur = F(0)
            for i in range(n):
                diff = F(F(F(this_scale * F(Laux[i])) + this_min) - x[i])
                diff = F(abs(diff)) if use_mad else F(diff * diff)
                cur = F(cur + F(w[i] * diff))
            if cur < best:
                L = Laux
                best = cur
                scale, mn = this_scale, this_min
    return scale, F(-mn), L


def scale_min_k4(j, q):
    if j < 4:
        return q[j] & 63, q[j + 4] & 63
    return (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4)


def pack_2bit(L):
    qs = bytearray(64)
    for j in range(0, 256, 128):
        for l in range(32):
            qs[j // 4 + l] = L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6)
    return qs


# ---------------------------------------------------------------- K-quants

def quant_q2_k(x):
    out = bytearray()
    for b in range(len(x) // QK_K):
        xb = x[b * QK_K:(b + 1) * QK_K]
        L = [0] * QK_K
        scales, mins = [F(0)] * 16, [F(0)] * 16
        max_scale, max_min = F(0), F(0)
        for j in range(16):
            sub = xb[16 * j:16 * j + 16]
            w = [F(abs(v)) for v in sub]
            sc, mn, Ls = make_qkx2_quants(sub, w, 3, -0.5, 0.1, 15, True)
            scales[j], mins[j] = sc, mn
            L[16 * j:16 * j + 16] = Ls
            if sc > max_scale:
                max_scale = sc
            if mn > max_min:
                max_min = mn
        sc_bytes = bytearray(16)
        if max_scale > 0:
            iscale = F(F(15) / max_scale)
            for j in range(16):
                sc_bytes[j] = nearest_int(F(iscale * scales[j])) & 0xFF
            d = f16_bits(F(max_scale / F(15)))
        else:
            d = 0
        if max_min > 0:
            iscale = F(F(15) / max_min)
            for j in range(16):
                sc_bytes[j] = (sc_bytes[j] | (nearest_int(F(iscale * mins[j])) << 4)) & 0xFF
            dmin = f16_bits(F(max_min / F(15)))
        else:
            dmin = 0
        for j in range(16):
            dd = F(h2f(d) * F(sc_bytes[j] & 0xF))
            if dd == 0:
                continue
            dm = F(h2f(dmin) * F(sc_bytes[j] >> 4))
            for i in range(16):
                L[16 * j + i] = max(0, min(3, nearest_int(F(F(xb[16 * j + i] + dm) / dd))))
        out += sc_bytes + pack_2bit(L) + d.to_bytes(2, "little") + dmin.to_bytes(2, "little")
    return bytes(out)


def quant_q3_k(x):
    out = bytearray()
    for b in range(len(x) // QK_K):
        xb = x[b * QK_K:(b + 1) * QK_K]
        L = [0] * QK_K
        scales = [F(0)] * 16
        max_scale, amax = F(0), F(0)
        for j in range(16):
            sc, Ls = make_q3_quants(xb[16 * j:16 * j + 16], 4)
            scales[j] = sc
            L[16 * j:16 * j + 16] = Ls
            if abs(sc) > amax:
                amax, max_scale = F(abs(sc)), sc
        sb = bytearray(12)
        if max_scale != 0:
            iscale = F(F(-32) / max_scale)
            for j in range(16):
                l = nearest_int(F(iscale * scales[j]))
                l = ((l + 128) & 0xFF) - 128  # stored in an int8_t first
                l = max(-32, min(31, l)) + 32
                if j < 8:
                    sb[j] = l & 0xF
                else:
                    sb[j - 8] |= (l & 0xF) << 4
                sb[j % 4 + 8] |= (l >> 4) << (2 * (j // 4))
            d = f16_bits(F(F(1) / iscale))
        else:
            d = 0
        for j in range(16):
            sc = (sb[j] & 0xF) if j < 8 else (sb[j - 8] >> 4)
            sc = (sc | (((sb[8 + j % 4] >> (2 * (j // 4))) & 3) << 4)) - 32
            dd = F(h2f(d) * F(sc))
            if dd == 0:
                continue
            for i in range(16):
                L[16 * j + i] = max(-4, min(3, nearest_int(F(xb[16 * j + i] / dd)))) + 4
        hmask = bytearray(32)
        m, hm = 0, 1
        for j in range(QK_K):
            if L[j] > 3:
                hmask[m] |= hm
                L[j] -= 4
            m += 1
            if m == 32:
                m, hm = 0, hm << 1
        out += hmask + pack_2bit(L) + sb + d.to_bytes(2, "little")
    return bytes(out)


def quant_q45_k(x, bits):
    nmax = (1 << bits) - 1
    out = bytearray()
    for b in range(len(x) // QK_K):
        xb = x[b * QK_K:(b + 1) * QK_K]
        L = [0] * QK_K
        scales, mins = [F(0)] * 8, [F(0)] * 8
        max_scale, max_min = F(0), F(0)
        for j in range(8):
            sub = xb[32 * j:32 * j + 32]
            sum_x2 = F(0)
            for v in sub:
                sum_x2 = F(sum_x2 + F(v * v))
            av_x = F(np.sqrt(F(sum_x2 / F(32))))
            w = [F(av_x + F(abs(v))) for v in sub]
            if bits == 4:
                sc, mn, Ls = make_qkx2_quants(sub, w, 15, -1.0, 0.1, 20, False)
            else:
                sc, mn, Ls = make_qkx2_quants(sub, w, 31, -0.5, 0.1, 15, False)
            scales[j], mins[j] = sc, mn
            L[32 * j:32 * j + 32] = Ls
            if sc > max_scale:
                max_scale = sc
            if mn > max_min:
                max_min = mn
        inv_scale = F(F(63) / max_scale) if max_scale > 0 else F(0)
        inv_min = F(F(63) / max_min) if max_min > 0 else F(0)
        sb = bytearray(12)
        for j in range(8):
            ls = min(63, nearest_int(F(inv_scale * scales[j])) & 0xFF)
            lm = min(63, nearest_int(F(inv_min * mins[j])) & 0xFF)
            if j < 4:
                sb[j] = ls
                sb[j + 4] = lm
            else:
                sb[j + 4] = (ls & 0xF) | ((lm & 0xF) << 4)
                sb[j - 4] |= (ls >> 4) << 6
                sb[j] |= (lm >> 4) << 6
        d = f16_bits(F(max_scale / F(63)))
        dmin = f16_bits(F(max_min / F(63)))
        for j in range(8):
            sc, m = scale_min_k4(j, sb)
            dd = F(h2f(d) * F(sc))
            if dd == 0:
                continue
            dm = F(h2f(dmin) * F(m))
            for i in range(32):
                L[32 * j + i] = max(0, min(nmax, nearest_int(F(F(xb[32 * j + i] + dm) / dd))))
        head = d.to_bytes(2, "little") + dmin.to_bytes(2, "little") + sb
        if bits == 4:
            qs = bytearray(128)
            for j in range(0, QK_K, 64):
                for l in range(32):
                    qs[j // 2 + l] = L[j + l] | (L[j + l + 32] << 4)
            out += head + qs
        else:
            qh, ql = bytearray(32), bytearray(128)
            m1, m2 = 1, 2
            for n in range(0, QK_K, 64):
                for j in range(32):
                    l1, l2 = L[n + j], L[n + j + 32]
                    if l1 > 15:
                        l1 -= 16
                        qh[j] |= m1
                    if l2 > 15:
                        l2 -= 16
                        qh[j] |= m2
                    ql[n // 2 + j] = l1 | (l2 << 4)
                m1, m2 = m1 << 2, m2 << 2
            out += head + qh + ql
    return bytes(out)


def quant_q6_k(x):
    out = bytearray()
    for b in range(len(x) // QK_K):
        xb = x[b * QK_K:(b + 1) * QK_K]
        L = [0] * QK_K
        scales = [F(0)] * 16
        max_scale, max_abs = F(0), F(0)
        for j in range(16):
            sc, Ls = make_qx_quants(xb[16 * j:16 * j + 16], 32, 1)
            scales[j] = sc
            L[16 * j:16 * j + 16] = Ls
            if abs(sc) > max_abs:
                max_abs, max_scale = F(abs(sc)), sc
        if max_abs < F(1e-15):
            out += bytes(210)
            continue
        iscale = F(F(-128) / max_scale)
        d = f16_bits(F(F(1) / iscale))
        sc_i8 = [min(127, nearest_int(F(iscale * s))) for s in scales]
        sc_i8 = [((v + 128) & 0xFF) - 128 for v in sc_i8]
        for j in range(16):
            dd = F(h2f(d) * F(sc_i8[j]))
            if dd == 0:
                continue
            for i in range(16):
                L[16 * j + i] = max(-32, min(31, nearest_int(F(xb[16 * j + i] / dd)))) + 32
        ql, qh = bytearray(128), bytearray(64)
        for j in range(0, QK_K, 128):
            for l in range(32):
                q1, q2, q3, q4 = (L[j + l + k] & 0xF for k in (0, 32, 64, 96))
                ql[j // 2 + l] = q1 | (q3 << 4)
                ql[j // 2 + l + 32] = q2 | (q4 << 4)
                qh[j // 4 + l] = ((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4)
                                  | ((L[j + l + 96] >> 4) << 6))
        out += ql + qh + bytes(v & 0xFF for v in sc_i8) + d.to_bytes(2, "little")
    return bytes(out)


def dequant_k(t, data, n):
    bb = BLOCK[t][1]
    y = np.zeros(n, dtype=np.float32)
    for b in range(n // QK_K):
        blk = data[b * bb:(b + 1) * bb]
        o = b * QK_K
        if t == "Q2_K":
            sc, qs = blk[0:16], blk[16:80]
            d, dmin = h2f(u16(blk, 80)), h2f(u16(blk, 82))
            for i in range(QK_K):
                half, r = divmod(i, 128)
                j, l = divmod(r, 32)  # j: shift group, l: 0..31
                s = sc[half * 8 + j * 2 + l // 16]
                q = (qs[half * 32 + l] >> (2 * j)) & 3
                y[o + i] = F(F(F(d * F(s & 0xF)) * F(q)) - F(dmin * F(s >> 4)))
        elif t == "Q3_K":
            hm, qs, sb = blk[0:32], blk[32:96], blk[96:108]
            d = h2f(u16(blk, 108))
            for i in range(QK_K):
                half, r = divmod(i, 128)
                j, l = divmod(r, 32)
                k = half * 8 + j * 2 + l // 16
                sc = (sb[k] & 0xF) if k < 8 else (sb[k - 8] >> 4)
                sc = (sc | (((sb[8 + k % 4] >> (2 * (k // 4))) & 3) << 4)) - 32
                q = (qs[half * 32 + l] >> (2 * j)) & 3
                if not (hm[l] & (1 << (half * 4 + j))):
                    q -= 4
                y[o + i] = F(F(d * F(sc)) * F(q))
        elif t in ("Q4_K", "Q5_K"):
            d, dmin, sb = h2f(u16(blk, 0)), h2f(u16(blk, 2)), blk[4:16]
            qh = blk[16:48] if t == "Q5_K" else None
            qs = blk[48:176] if t == "Q5_K" else blk[16:144]
            for i in range(QK_K):
                j, l = divmod(i, 32)
                sc, m = scale_min_k4(j, sb)
                q = qs[(j // 2) * 32 + l]
                q = (q >> 4) if j % 2 else (q & 0xF)
                if qh is not None and qh[l] & (1 << j):
                    q += 16
                y[o + i] = F(F(F(d * F(sc)) * F(q)) - F(dmin * F(m)))
        elif t == "Q6_K":
            ql, qh, sc = blk[0:128], blk[128:192], blk[192:208]
            d = h2f(u16(blk, 208))
            for i in range(QK_K):
                half, r = divmod(i, 128)
                k, l = divmod(r, 32)  # k: which of the 4 quarter streams
                lo = ql[half * 64 + l + (32 if k % 2 else 0)]
                lo = (lo >> 4) if k >= 2 else (lo & 0xF)
                hi = (qh[half * 32 + l] >> (2 * k)) & 3
                q = (lo | (hi << 4)) - 32
                s = int(np.int8(sc[half * 8 + k * 2 + l // 16]))
                y[o + i] = F(F(d * F(s)) * F(q))
    return y


QUANTIZE = {"Q4_0": quant_q4_0, "Q4_1": lambda x: quant_q4_1(x, 4), "Q5_0": quant_q5_0,
            "Q5_1": lambda x: quant_q4_1(x, 5), "Q8_0": quant_q8_0, "Q2_K": quant_q2_k, "Q3_K": quant_q3_k,
            "Q4_K": lambda x: quant_q45_k(x, 4), "Q5_K": lambda x: quant_q45_k(x, 5), "Q6_K": quant_q6_k}


def quantize(t, x):
    x = [F(v) for v in np.asarray(x, dtype=np.float32)]
    return QUANTIZE[t](x)


def dequantize(t, data, n):
    return dequant_legacy(t, data, n) if BLOCK[t][0] == 32 else dequant_k(t, data, n)
