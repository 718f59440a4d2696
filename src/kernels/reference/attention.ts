/**
 * Causal grouped-query attention, reference. q (B, T, NH, HS); k, v (B, T, NKV, HS); query head h reads kv head
 * h / (NH / NKV). With s_j = q·k_j / sqrt(HS) for j ≤ t:
 *   lse (B, NH, T) = log Σ_j exp(s_j);  p_j = exp(s_j - lse);  out (B, T, NH, HS) = Σ_j p_j v_j
 * Backward recomputes p from lse (nothing T×T is stored):
 *   dv_j += p_j dout;  dp_j = dout·v_j;  D = dout·out = Σ_j p_j dp_j;  ds_j = p_j (dp_j - D)
 *   dq = Σ_j ds_j k_j / sqrt(HS);  dk_j += ds_j q / sqrt(HS)
 * dq, dk, dv use `=` semantics (zeroed here first); kv heads shared by several query heads sum over them.
 * Packed rows: with segStart (B, T) given, query t of row b sees keys j in [segStart[b*T + t], t] only (a
 * block-diagonal causal mask; segStart[b*T + t] is the first position of t's example); null means 0 (plain causal).
 */
import { scratch64 } from "./scratch.js";

export function attentionForward(out: Float32Array, lse: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array,
    segStart: Int32Array | null, B: number, T: number, NH: number, NKV: number, HS: number): void {
    const scale = 1 / Math.sqrt(HS);
    const group = NH / NKV;
    const s = scratch64(T);
    for (let b = 0; b < B; b++) {
        for (let h = 0; h < NH; h++) {
            const kh = Math.floor(h / group);
            for (let t = 0; t < T; t++) {
                const qo = ((b * T + t) * NH + h) * HS;
                const j0 = segStart === null ? 0 : segStart[b * T + t];
                let max = -Infinity;
                for (let j = j0; j <= t; j++) {
                    const ko = ((b * T + j) * NKV + kh) * HS;
                    let dot = 0;
                    for (let i = 0; i < HS; i++) {
                        dot += q[qo + i] * k[ko + i];
                    }
                    s[j] = dot * scale;
                    max = Math.max(max, s[j]);
                }
                let sum = 0;
                for (let j = j0; j <= t; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                lse[(b * NH + h) * T + t] = max + Math.log(sum);
                for (let i = 0; i < HS; i++) {
                    let acc = 0;
                    for (let j = j0; j <= t; j++) {
                        acc += s[j] * v[((b * T + j) * NKV + kh) * HS + i];
                    }
                    out[qo + i] = acc / sum;
                }
            }
        }
    }
}

export function attentionBackward(dq: Float32Array, dk: Float32Array, dv: Float32Array, dout: Float32Array,
    q: Float32Array, k: Float32Array, v: Float32Array, out: Float32Array, lse: Float32Array, segStart: Int32Array | null,
    B: number, T: number, NH: number, NKV: number, HS: number): void {
    const scale = 1 / Math.sqrt(HS);
    const group = NH / NKV;
    dq.fill(0, 0, B * T * NH * HS);
    dk.fill(0, 0, B * T * NKV * HS);
    dv.fill(0, 0, B * T * NKV * HS);
    for (let b = 0; b < B; b++) {
        for (let h = 0; h < NH; h++) {
            const kh = Math.floor(h / group);
            for (let t = 0; t < T; t++) {
                const qo = ((b * T + t) * NH + h) * HS;
                const j0 = segStart === null ? 0 : segStart[b * T + t];
                const l = lse[(b * NH + h) * T + t];
                let D = 0;
                for (let i = 0; i < HS; i++) {
                    D += dout[qo + i] * out[qo + i];
                }
                for (let j = j0; j <= t; j++) {
                    const ko = ((b * T + j) * NKV + kh) * HS;
                    let dot = 0;
                    let dp = 0;
                    for (let i = 0; i < HS; i++) {
                        dot += q[qo + i] * k[ko + i];
                        dp += dout[qo + i] * v[ko + i];
                    }
                    const p = Math.exp(dot * scale - l);
                    const ds = p * (dp - D) * scale;
                    for (let i = 0; i < HS; i++) {
                        dv[ko + i] += p * dout[qo + i];
                        dq[qo + i] += ds * k[ko + i];
                        dk[ko + i] += ds * q[qo + i];
                    }
                }
            }
        }
    }
}
