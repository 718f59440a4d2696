/**
 * The scalar helpers ggml's reference K-quantizers share (ggml-quants.c): nearest_int and the per-sub-block
 * scale searches make_qx_quants, make_q3_quants and make_qkx2_quants. Every step is one float32 operation
 * (Math.fround after each), in the order the reference states it and with no fused multiply-add, so the result
 * is exactly defined and equal to reference/py/ggml_quants.py bit for bit.
 */
const f = Math.fround;

/** ggml's nearest_int: round half to even of a float32 (it adds 1.5 * 2^23 and reads the mantissa). */
export function nearestInt(v: number): number {
    let r = Math.round(v);
    if (r - v === 0.5 && r % 2 !== 0) {
        r -= 1;
    }
    return r;
}

/** ggml's GROUP_MAX_EPS: a sub-block whose largest magnitude is below this is all zeros. */
export const GROUP_MAX_EPS = f(1e-15);

/** The signed value of largest magnitude (the first one on ties) and that magnitude. */
export function signedMax(x: Float32Array, from: number, n: number): { max: number; amax: number } {
    let max = 0;
    let amax = 0;
    for (let i = 0; i < n; i++) {
        const v = x[from + i]!;
        if (Math.abs(v) > amax) {
            amax = Math.abs(v);
            max = v;
        }
    }
    return { max, amax };
}

const clamp = (lo: number, hi: number, v: number): number => Math.max(lo, Math.min(hi, v));

/**
 * make_qx_quants with rmse_type 1 and no importance weights (weights x^2): symmetric levels in [-nmax, nmax - 1],
 * stored in L as level + nmax; tries 19 scales around -nmax/max and keeps the best weighted least-squares fit.
 */
export function makeQxQuants(x: Float32Array, from: number, n: number, nmax: number, L: Int32Array, lFrom: number): number {
    const { max, amax } = signedMax(x, from, n);
    if (amax < GROUP_MAX_EPS) {
        L.fill(0, lFrom, lFrom + n);
        return 0;
    }
    let iscale = f(-nmax / max);
    let sumlx = 0;
    let suml2 = 0;
    for (let i = 0; i < n; i++) {
        const xi = x[from + i]!;
        const l = clamp(-nmax, nmax - 1, nearestInt(f(iscale * xi)));
        L[lFrom + i] = l + nmax;
        const w = f(xi * xi);
        sumlx = f(sumlx + f(f(w * xi) * l));
        suml2 = f(suml2 + f(f(w * l) * l));
    }
    let scale = suml2 !== 0 ? f(sumlx / suml2) : 0;
    let best = f(scale * sumlx);
    for (let is = -9; is <= 9; is++) {
        if (is === 0) {
            continue;
        }
        iscale = f(-f(nmax + f(f(0.1) * is)) / max);
        sumlx = 0;
        suml2 = 0;
        for (let i = 0; i < n; i++) {
            const xi = x[from + i]!;
            const l = clamp(-nmax, nmax - 1, nearestInt(f(iscale * xi)));
            const w = f(xi * xi);
            sumlx = f(sumlx + f(f(w * xi) * l));
            suml2 = f(suml2 + f(f(w * l) * l));
        }
        if (suml2 > 0 && f(sumlx * sumlx) > f(best * suml2)) {
            for (let i = 0; i < n; i++) {
                L[lFrom + i] = nmax + clamp(-nmax, nmax - 1, nearestInt(f(iscale * x[from + i]!)));
            }
            scale = f(sumlx / suml2);
            best = f(scale * sumlx);
        }
    }
    return scale;
}

/**
 * make_q3_quants with do_rmse: levels in [-nmax, nmax - 1] from -nmax/max, then up to 5 passes that move single
 * levels when that improves the weighted (x^2) least-squares fit; L holds level + nmax.
 */
export function makeQ3Quants(x: Float32Array, from: number, n: number, nmax: number, L: Int32Array, lFrom: number): number {
    const { max, amax } = signedMax(x, from, n);
    if (amax < GROUP_MAX_EPS) {
        L.fill(0, lFrom, lFrom + n);
        return 0;
    }
    const iscale = f(-nmax / max);
    let sumlx = 0;
    let suml2 = 0;
    for (let i = 0; i < n; i++) {
        const xi = x[from + i]!;
        const l = clamp(-nmax, nmax - 1, nearestInt(f(iscale * xi)));
        L[lFrom + i] = l;
        const w = f(xi * xi);
        sumlx = f(sumlx + f(f(w * xi) * l));
        suml2 = f(suml2 + f(f(w * l) * l));
    }
    for (let itry = 0; itry < 5; itry++) {
        let changed = 0;
        for (let i = 0; i < n; i++) {
            const xi = x[from + i]!;
            const li = L[lFrom + i]!;
            const w = f(xi * xi);
            let slx = f(sumlx - f(f(w * xi) * li));
            if (slx > 0) {
                let sl2 = f(suml2 - f(f(w * li) * li));
                const nl = clamp(-nmax, nmax - 1, nearestInt(f(f(xi * sl2) / slx)));
                if (nl !== li) {
                    slx = f(slx + f(f(w * xi) * nl));
                    sl2 = f(sl2 + f(f(w * nl) * nl));
                    if (sl2 > 0 && f(f(slx * slx) * suml2) > f(f(sumlx * sumlx) * sl2)) {
                        L[lFrom + i] = nl;
                        sumlx = slx;
                        suml2 = sl2;
                        changed++;
                    }
                }
            }
        }
        if (changed === 0) {
            break;
        }
    }
    for (let i = 0; i < n; i++) {
        L[lFrom + i] = L[lFrom + i]! + nmax;
    }
    return suml2 > 0 ? f(sumlx / suml2) : 0;
}

/**
 * make_qkx2_quants: asymmetric levels in [0, nmax] with a minimum (x ~ scale * L - theMin), searching nstep + 1
 * candidate scales (rmin + rdelta * is + nmax) / (max - min) for the lowest weighted error (absolute with
 * useMad, squared otherwise). Returns the scale; the subtracted minimum (>= 0) goes to out.min.
 */
export function makeQkx2Quants(
    x: Float32Array, from: number, n: number, nmax: number, weights: Float32Array, L: Int32Array, lFrom: number,
    rmin: number, rdelta: number, nstep: number, useMad: boolean, out: { min: number },
): number {
    let min = x[from]!;
    let max = x[from]!;
    let sumW = weights[0]!;
    let sumX = f(sumW * x[from]!);
    for (let i = 1; i < n; i++) {
        const xi = x[from + i]!;
        if (xi < min) {
            min = xi;
        }
        if (xi > max) {
            max = xi;
        }
        const w = weights[i]!;
        sumW = f(sumW + w);
        sumX = f(sumX + f(w * xi));
    }
    if (min > 0) {
        min = 0;
    }
    if (max === min) {
        L.fill(0, lFrom, lFrom + n);
        out.min = -min;
        return 0;
    }
    let iscale = f(nmax / f(max - min));
    let scale = f(1 / iscale);
    let best = 0;
    for (let i = 0; i < n; i++) {
        const xi = x[from + i]!;
        const l = clamp(0, nmax, nearestInt(f(iscale * f(xi - min))));
        L[lFrom + i] = l;
        const diff = f(f(f(scale * l) + min) - xi);
        best = f(best + f(weights[i]! * (useMad ? Math.abs(diff) : f(diff * diff))));
    }
    const laux = new Int32Array(n);
    for (let is = 0; is <= nstep; is++) {
        // min is the best fit so far (ggml updates it as it goes), so later candidates start from it
        iscale = f(f(f(rmin + f(rdelta * is)) + nmax) / f(max - min));
        let sumL = 0;
        let sumL2 = 0;
        let sumXL = 0;
        for (let i = 0; i < n; i++) {
            const xi = x[from + i]!;
            const l = clamp(0, nmax, nearestInt(f(iscale * f(xi - min))));
            laux[i] = l;
            const wl = f(weights[i]! * l);
            sumL = f(sumL + wl);
            sumL2 = f(sumL2 + f(wl * l));
            sumXL = f(sumXL + f(wl * xi));
        }
        const D = f(f(sumW * sumL2) - f(sumL * sumL));
        if (D > 0) {
            let thisScale = f(f(f(sumW * sumXL) - f(sumX * sumL)) / D);
            let thisMin = f(f(f(sumL2 * sumX) - f(sumL * sumXL)) / D);
            if (thisMin > 0) {
                thisMin = 0;
                thisScale = f(sumXL / sumL2);
            }
            let cur = 0;
            for (let i = 0; i < n; i++) {
                const diff = f(f(f(thisScale * laux[i]!) + thisMin) - x[from + i]!);
                cur = f(cur + f(weights[i]! * (useMad ? Math.abs(diff) : f(diff * diff))));
            }
            if (cur < best) {
                L.set(laux, lFrom);
                best = cur;
                scale = thisScale;
                min = thisMin;
            }
        }
    }
    out.min = -min;
    return scale;
}
