/**
 * oracleKernels: a KernelSet written for the conformance suite only — the KernelSet.ts formulas transcribed
 * as directly as possible, every sum in float64 (JS numbers) and rounded to float32 once at the store. It is
 * the suite's default comparison target, so any set (native, or the reference kernels themselves) can be
 * checked against an independent transcription of the contract. Slow by design; tests use small shapes.
 */
import type { KernelSet } from "../../src/kernels/KernelSet.js";
import { referenceDecodeKernels } from "../../src/kernels/reference/decode.js";

const row = (b: number, t: number, T: number, heads: number, h: number, HS: number): number => ((b * T + t) * heads + h) * HS;

/** Probabilities of query t over keys j0..t (p[j - j0]); j0 = the start of t's packed example, 0 when unpacked. */
function attentionProbs(q: Float32Array, k: Float32Array, b: number, t: number, h: number, T: number, NH: number,
    NKV: number, HS: number, j0: number): { p: number[]; lse: number } {
    const kvh = Math.floor(h / (NH / NKV));
    const scores: number[] = [];
    for (let j = j0; j <= t; j++) {
        let s = 0;
        for (let i = 0; i < HS; i++) {
            s += q[row(b, t, T, NH, h, HS) + i]! * k[row(b, j, T, NKV, kvh, HS) + i]!;
        }
        scores.push(s / Math.sqrt(HS));
    }
    const max = Math.max(...scores);
    const sum = scores.reduce((acc, s) => acc + Math.exp(s - max), 0);
    return { p: scores.map((s) => Math.exp(s - max) / sum), lse: max + Math.log(sum) };
}

/** The decode kernels are checked by decodeConformance.ts against their own reference; here they only complete the set. */
export const oracleKernels: KernelSet = {
    name: "oracle",
    threads: 1,
    ...referenceDecodeKernels,
    matmulForward(out, inp, weight, bias, N, C, OC) {
        for (let n = 0; n < N; n++) {
            for (let o = 0; o < OC; o++) {
                let s = bias === null ? 0 : bias[o]!;
                for (let c = 0; c < C; c++) {
                    s += inp[n * C + c]! * weight[o * C + c]!;
                }
                out[n * OC + o] = s;
            }
        }
    },
    matmulBackward(dinp, dweight, dbias, dout, inp, weight, N, C, OC) {
        if (dinp !== null) {
            for (let n = 0; n < N; n++) {
                for (let c = 0; c < C; c++) {
                    let s = 0;
                    for (let o = 0; o < OC; o++) {
                        s += dout[n * OC + o]! * weight[o * C + c]!;
                    }
                    dinp[n * C + c]! += s;
                }
            }
        }
        if (dweight !== null) {
            for (let o = 0; o < OC; o++) {
                for (let c = 0; c < C; c++) {
                    let s = 0;
                    for (let n = 0; n < N; n++) {
                        s += dout[n * OC + o]! * inp[n * C + c]!;
                    }
                    dweight[o * C + c]! += s;
                }
            }
        }
        if (dbias !== null) {
            for (let o = 0; o < OC; o++) {
                let s = 0;
                for (let n = 0; n < N; n++) {
                    s += dout[n * OC + o]!;
                }
                dbias[o]! += s;
            }
        }
    },
    encoderForward(out, tokens, wte, N, C) {
        for (let n = 0; n < N; n++) {
            out.set(wte.subarray(tokens[n]! * C, tokens[n]! * C + C), n * C);
        }
    },
    encoderBackward(dwte, dout, tokens, N, C) {
        for (let n = 0; n < N; n++) {
            for (let c = 0; c < C; c++) {
                dwte[tokens[n]! * C + c]! += dout[n * C + c]!;
            }
        }
    },
    rmsnormForward(out, rstd, inp, weight, N, C, eps) {
        for (let n = 0; n < N; n++) {
            let ss = 0;
            for (let c = 0; c < C; c++) {
                ss += inp[n * C + c]! ** 2;
            }
            const r = 1 / Math.sqrt(ss / C + eps);
            rstd[n] = r;
            for (let c = 0; c < C; c++) {
                out[n * C + c] = inp[n * C + c]! * r * weight[c]!;
            }
        }
    },
    rmsnormBackward(dinp, dweight, dout, inp, weight, rstd, N, C) {
        // y_c = x_c r w_c with r = (mean(x^2) + eps)^-1/2, dr/dx_c = -r^3 x_c / C
        for (let n = 0; n < N; n++) {
            const r = rstd[n]!;
            let dot = 0;
            for (let c = 0; c < C; c++) {
                dot += dout[n * C + c]! * weight[c]! * inp[n * C + c]!;
            }
            for (let c = 0; c < C; c++) {
                const x = inp[n * C + c]!;
                dweight[c]! += dout[n * C + c]! * x * r;
                dinp[n * C + c]! += dout[n * C + c]! * weight[c]! * r - (r ** 3 / C) * x * dot;
            }
        }
    },
    ropeForward(out, inp, cos, sin, positions, B, T, NHx, HS, pos0) {
        const half = HS / 2;
        for (let b = 0; b < B; b++) {
            for (let t = 0; t < T; t++) {
                const p = positions === null ? pos0 + t : positions[b * T + t]!;
                for (let h = 0; h < NHx; h++) {
                    const o = row(b, t, T, NHx, h, HS);
                    for (let i = 0; i < half; i++) {
                        const c = cos[p * half + i]!, s = sin[p * half + i]!;
                        const x1 = inp[o + i]!, x2 = inp[o + i + half]!;
                        out[o + i] = x1 * c - x2 * s;
                        out[o + i + half] = x2 * c + x1 * s;
                    }
                }
            }
        }
    },
    ropeBackward(dinp, dout, cos, sin, positions, B, T, NHx, HS, pos0) {
        const half = HS / 2;
        for (let b = 0; b < B; b++) {
            for (let t = 0; t < T; t++) {
                const p = positions === null ? pos0 + t : positions[b * T + t]!;
                for (let h = 0; h < NHx; h++) {
                    const o = row(b, t, T, NHx, h, HS);
                    for (let i = 0; i < half; i++) {
                        const c = cos[p * half + i]!, s = sin[p * half + i]!;
                        const g1 = dout[o + i]!, g2 = dout[o + i + half]!;
                        dinp[o + i] = g1 * c + g2 * s;
                        dinp[o + i + half] = g2 * c - g1 * s;
                    }
                }
            }
        }
    },
    attentionForward(out, lse, q, k, v, segStart, B, T, NH, NKV, HS) {
        for (let b = 0; b < B; b++) {
            for (let h = 0; h < NH; h++) {
                const kvh = Math.floor(h / (NH / NKV));
                for (let t = 0; t < T; t++) {
                    const j0 = segStart === null ? 0 : segStart[b * T + t]!;
                    const { p, lse: l } = attentionProbs(q, k, b, t, h, T, NH, NKV, HS, j0);
                    lse[(b * NH + h) * T + t] = l;
                    for (let i = 0; i < HS; i++) {
                        out[row(b, t, T, NH, h, HS) + i] = p.reduce((acc, pj, j) => acc + pj * v[row(b, j0 + j, T, NKV, kvh, HS) + i]!, 0);
                    }
                }
            }
        }
    },
    attentionBackward(dq, dk, dv, dout, q, k, v, _out, _lse, segStart, B, T, NH, NKV, HS) {
        // Exact probabilities recomputed from q and k; dS = P (dP - rowsum(dO * O)) with O = P V.
        const gq = new Float64Array(dq.length), gk = new Float64Array(dk.length), gv = new Float64Array(dv.length);
        const scale = 1 / Math.sqrt(HS);
        for (let b = 0; b < B; b++) {
            for (let h = 0; h < NH; h++) {
                const kvh = Math.floor(h / (NH / NKV));
                for (let t = 0; t < T; t++) {
                    const j0 = segStart === null ? 0 : segStart[b * T + t]!;
                    const { p } = attentionProbs(q, k, b, t, h, T, NH, NKV, HS, j0);
                    const qo = row(b, t, T, NH, h, HS);
                    const dp = p.map((_, j) => {
                        let s = 0;
                        for (let i = 0; i < HS; i++) {
                            s += dout[qo + i]! * v[row(b, j0 + j, T, NKV, kvh, HS) + i]!;
                        }
                        return s;
                    });
                    const D = p.reduce((acc, pj, j) => acc + pj * dp[j]!, 0);
                    p.forEach((pj, j) => {
                        const ko = row(b, j0 + j, T, NKV, kvh, HS);
                        const ds = pj * (dp[j]! - D) * scale;
                        for (let i = 0; i < HS; i++) {
                            gq[qo + i]! += ds * k[ko + i]!;
                            gk[ko + i]! += ds * q[qo + i]!;
                            gv[ko + i]! += pj * dout[qo + i]!;
                        }
                    });
                }
            }
        }
        dq.set(gq);
        dk.set(gk);
        dv.set(gv);
    },
    swigluForward(out, gate, up, n) {
        for (let i = 0; i < n; i++) {
            out[i] = (gate[i]! / (1 + Math.exp(-gate[i]!))) * up[i]!;
        }
    },
    swigluBackward(dgate, dup, dout, gate, up, n) {
        for (let i = 0; i < n; i++) {
            const sig = 1 / (1 + Math.exp(-gate[i]!));
            dgate[i] = dout[i]! * up[i]! * sig * (1 + gate[i]! * (1 - sig));
            dup[i] = dout[i]! * gate[i]! * sig;
        }
    },
    addInPlace(out, inp, n) {
        for (let i = 0; i < n; i++) {
            out[i]! += inp[i]!;
        }
    },
    crossEntropyForwardBackward(losses, dlogits, logits, targets, N, V, gradScale) {
        let total = 0;
        for (let n = 0; n < N; n++) {
            const x = Float64Array.from(logits.subarray(n * V, n * V + V));
            const target = targets[n]!;
            if (target === -100) {
                losses[n] = 0;
                dlogits?.fill(0, n * V, n * V + V);
                continue;
            }
            const max = x.reduce((m, xi) => Math.max(m, xi), -Infinity);
            const sum = x.reduce((acc, xi) => acc + Math.exp(xi - max), 0);
            losses[n] = Math.log(sum) + max - x[target]!;
            total += losses[n]!;
            if (dlogits !== null) {
                for (let i = 0; i < V; i++) {
                    dlogits[n * V + i] = (Math.exp(x[i]! - max) / sum - (i === target ? 1 : 0)) * gradScale;
                }
            }
        }
        return total;
    },
    adamwUpdate(params, grads, m, v, n, lr, beta1, beta2, eps, weightDecay, step, gradScale) {
        for (let i = 0; i < n; i++) {
            const g = grads[i]! * gradScale;
            m[i] = beta1 * m[i]! + (1 - beta1) * g;
            v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
            const mHat = m[i]! / (1 - beta1 ** step);
            const vHat = v[i]! / (1 - beta2 ** step);
            params[i] = params[i]! - lr * (weightDecay * params[i]! + mHat / (Math.sqrt(vHat) + eps));
        }
    },
    sumSquares(x, n) {
        let s = 0;
        for (let i = 0; i < n; i++) {
            s += x[i]! * x[i]!;
        }
        return s;
    },
    dispose() {},
};
