/**
 * LoraSidePath: the unmerged LoRA term of one projection at inference, after the base matmul has written
 * y (N, OC) = x (N, C) · Wᵀ on whatever storage type W has:
 *     y[n] += s · B (A x[n])      for each row n whose sequence uses an adapter adapting this projection,
 * computed as u (n, r) = x Aᵀ; u *= s; t (n, OC) = u Bᵀ; y += t, with two small F32 KernelSet matmuls per
 * adapter in the batch (every row of one adapter in one call, so A and B are read once per step). Rows of
 * different adapters (or none) may be interleaved in a batch; an adapter's rows are gathered when they are not
 * contiguous. `loraSidePathReference` below is the same arithmetic in plain loops, PEFT's order (s after B).
 */
import type { KernelSet } from "../../kernels/KernelSet.js";
import type { LinearName, LoraAdapter } from "./LoraAdapter.js";

/** The rows (ascending) of a forward call whose sequences use `adapter`. */
export interface LoraRows {
    adapter: LoraAdapter;
    rows: Int32Array;
}

export class LoraSidePath {
    private readonly kernels: KernelSet;
    private x = new Float32Array(0);
    private u = new Float32Array(0);
    private t = new Float32Array(0);

    public constructor(kernels: KernelSet) {
        this.kernels = kernels;
    }

    /** y (N, OC) += the LoRA term of projection `name` of layer `layer` for each group's rows; x (N, C) is the projection's input. */
    public apply(y: Float32Array, x: Float32Array, groups: readonly LoraRows[], layer: number, name: LinearName, C: number, OC: number): void {
        for (const { adapter, rows } of groups) {
            const p = adapter.layers[layer]?.[name];
            if (p === undefined) {
                continue;
            }
            const n = rows.length;
            const r = adapter.r;
            const first = rows[0]!;
            const contiguous = rows[n - 1]! - first + 1 === n;
            this.reserve(n, C, OC, r);
            let xs: Float32Array;
            if (contiguous) {
                xs = x.subarray(first * C, (first + n) * C);
            } else {
                xs = this.x.subarray(0, n * C);
                for (let i = 0; i < n; i++) {
                    xs.set(x.subarray(rows[i]! * C, (rows[i]! + 1) * C), i * C);
                }
            }
            const u = this.u.subarray(0, n * r);
            this.kernels.matmulForward(u, xs, p.a, null, n, C, r);
            for (let i = 0; i < n * r; i++) {
                u[i] = u[i]! * adapter.scale;
            }
            const t = this.t.subarray(0, n * OC);
            this.kernels.matmulForward(t, u, p.b, null, n, r, OC);
            if (contiguous) {
                this.kernels.addInPlace(y.subarray(first * OC, (first + n) * OC), t, n * OC);
            } else {
                for (let i = 0; i < n; i++) {
                    this.kernels.addInPlace(y.subarray(rows[i]! * OC, (rows[i]! + 1) * OC), t.subarray(i * OC, (i + 1) * OC), OC);
                }
            }
        }
    }

    private reserve(n: number, C: number, OC: number, r: number): void {
        if (this.x.length < n * C) {
            this.x = new Float32Array(n * C);
        }
        if (this.u.length < n * r) {
            this.u = new Float32Array(n * r);
        }
        if (this.t.length < n * OC) {
            this.t = new Float32Array(n * OC);
        }
    }
}

/** Rows grouped by the adapter of their sequence (rows without one left out), in order of first appearance. */
export function loraRowGroups(rowAdapters: readonly (LoraAdapter | null)[]): LoraRows[] {
    const byAdapter = new Map<LoraAdapter, number[]>();
    rowAdapters.forEach((a, row) => {
        if (a !== null) {
            const rows = byAdapter.get(a);
            if (rows === undefined) {
                byAdapter.set(a, [row]);
            } else {
                rows.push(row);
            }
        }
    });
    return [...byAdapter].map(([adapter, rows]) => ({ adapter, rows: Int32Array.from(rows) }));
}

/** The readable twin of LoraSidePath.apply: y[n][o] += s · Σ_k B[o][k] · Σ_c A[k][c] · x[n][c] for the rows of each group. */
export function loraSidePathReference(y: Float32Array, x: Float32Array, groups: readonly LoraRows[], layer: number,
    name: LinearName, C: number, OC: number): void {
    for (const { adapter, rows } of groups) {
        const p = adapter.layers[layer]?.[name];
        if (p === undefined) {
            continue;
        }
        const r = adapter.r;
        const ax = new Float64Array(r);
        for (const n of rows) {
            for (let k = 0; k < r; k++) {
                let acc = 0;
                for (let c = 0; c < C; c++) {
                    acc += p.a[k * C + c]! * x[n * C + c]!;
                }
                ax[k] = acc;
            }
            for (let o = 0; o < OC; o++) {
                let acc = 0;
                for (let k = 0; k < r; k++) {
                    acc += p.b[o * r + k]! * ax[k]!;
                }
                y[n * OC + o] = y[n * OC + o]! + adapter.scale * acc;
            }
        }
    }
}
