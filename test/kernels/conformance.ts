/**
 * The kernel conformance suite: every kernel of a KernelSet against a reference set (the reference kernels, the
 * definition of correct, or by default oracleKernels, the contract transcribed with float64 sums) on seeded
 * random inputs. Odd sizes throughout (not multiples of 8 or 16), shapes that cross the native
 * GEMM's K/M/N blocks and the attention key blocks, GQA, RoPE at pos0 > 0, ignored targets, gradScale, the
 * aliasing the contract allows (RoPE in place, dlogits = logits), `+=` versus `=` semantics (outputs start
 * from garbage or from non-zero values), views with a byte offset, and bitwise determinism of repeated calls.
 *
 * Tolerances are relative max-abs (checkClose): |actual - expected| <= tol * max|expected|.
 *   1e-5  matmul, norms, RoPE, elementwise: float32 sums in a different order (K up to ~600) and a polynomial
 *         exp accurate to ~2 ulp stay well inside it.
 *   2e-5  attention backward and cross-entropy gradients: two nested reductions (scores, then dq/dk/dv sums).
 * Usage: `runKernelConformance({ newKernelSet: () => createNativeKernels({ threads: 2 }) })`.
 */
import { after, before, describe, test } from "node:test";
import type { KernelSet } from "../../src/kernels/KernelSet.js";
import { assertBitwiseEqual, checkClose, checkScalar, makeRng, offsetView, randomArray } from "./checkClose.js";
import { oracleKernels } from "./oracleKernels.js";

export interface KernelConformanceOptions {
    /** Creates the set under test; the suite disposes it at the end. */
    newKernelSet: () => KernelSet;
    /** Shown in the test names (e.g. "native avx2 threads=2"). */
    label?: string;
    /** What the set is compared with: the reference kernels, or by default the float64 test oracle. */
    reference?: KernelSet;
}

const TOL = 1e-5;
const TOL_BWD = 2e-5;
// With T = 1 the exact dq/dk are 0 (p = 1 and dp = D) and only rounding residue (~1e-9) is left: compare
// those against the scale of the O(1) inputs instead of a zero maximum.
const ATTN_FLOOR = 1e-3;

const copy = (a: Float32Array): Float32Array => Float32Array.from(a);

/** RoPE tables for positions 0..T-1 (theta 10000). */
function ropeTables(T: number, HS: number): { cos: Float32Array; sin: Float32Array } {
    const half = HS / 2;
    const cos = new Float32Array(T * half);
    const sin = new Float32Array(T * half);
    for (let p = 0; p < T; p++) {
        for (let i = 0; i < half; i++) {
            const angle = p * Math.pow(10000, (-2 * i) / HS);
            cos[p * half + i] = Math.cos(angle);
            sin[p * half + i] = Math.sin(angle);
        }
    }
    return { cos, sin };
}

/**
 * Positions (B, T) of rows packed with examples of the given lengths (cycled from a different start per row, so
 * rows differ); what does not fill a row is cut at the row's end.
 */
function packedPositions(B: number, T: number, lengths: readonly number[]): Int32Array {
    const positions = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
        let t = 0;
        for (let i = b; t < T; i++) {
            const len = lengths[i % lengths.length]!;
            for (let p = 0; p < len && t < T; p++, t++) {
                positions[b * T + t] = p;
            }
        }
    }
    return positions;
}

/** segStart (B, T) of packed positions: the column where each position's example starts. */
function segmentStarts(positions: Int32Array, T: number): Int32Array {
    return positions.map((p, i) => (i % T) - p);
}

export function runKernelConformance({ newKernelSet, label, reference = oracleKernels }: KernelConformanceOptions): void {
    const ref: KernelSet = reference;
    let ks: KernelSet;
    describe(`kernel conformance: ${label ?? "kernel set"}`, () => {
        before(() => {
            ks = newKernelSet();
        });
        after(() => {
            ks.dispose();
        });

        test("matmulForward: odd shapes, K/M/N beyond one block, bias and no bias, offset views", () => {
            const rng = makeRng(1);
            const shapes: [number, number, number][] = [[7, 37, 19], [1, 5, 3], [13, 16, 32], [33, 70, 130],
                [20, 600, 50], [300, 29, 300], [0, 4, 3], [3, 0, 5], [2, 7, 0], [9, 7, 0]];
            for (const [N, C, OC] of shapes) {
                for (const withBias of [false, true]) {
                    const inp = randomArray(rng, N * C);
                    const weight = randomArray(rng, OC * C);
                    const bias = withBias ? randomArray(rng, OC) : null;
                    const expected = randomArray(rng, N * OC);
                    const actual = offsetView(randomArray(rng, N * OC));
                    ref.matmulForward(expected, inp, weight, bias, N, C, OC);
                    ks.matmulForward(actual, offsetView(inp), offsetView(weight), bias === null ? null : offsetView(bias), N, C, OC);
                    checkClose(actual, expected, `matmulForward N=${N} C=${C} OC=${OC} bias=${withBias}`, TOL);
                }
            }
        });

        test("matmulBackward: += into non-zero gradients, each of dinp/dweight/dbias null in turn", () => {
            const rng = makeRng(2);
            const shapes: [number, number, number][] = [[7, 37, 19], [13, 6, 33], [300, 29, 17], [9, 300, 40], [1, 3, 1]];
            for (const [N, C, OC] of shapes) {
                for (const nulls of [[false, false, false], [true, false, false], [false, true, false], [false, false, true]]) {
                    const dout = randomArray(rng, N * OC);
                    const inp = randomArray(rng, N * C);
                    const weight = randomArray(rng, OC * C);
                    const dinp0 = randomArray(rng, N * C);
                    const dweight0 = randomArray(rng, OC * C);
                    const dbias0 = randomArray(rng, OC);
                    const e = [copy(dinp0), copy(dweight0), copy(dbias0)] as const;
                    const a = [offsetView(dinp0), offsetView(dweight0), offsetView(dbias0)] as const;
                    ref.matmulBackward(nulls[0] ? null : e[0], nulls[1] ? null : e[1], nulls[2] ? null : e[2], dout, inp, weight, N, C, OC);
                    ks.matmulBackward(nulls[0] ? null : a[0], nulls[1] ? null : a[1], nulls[2] ? null : a[2], dout, inp, weight, N, C, OC);
                    const tag = `N=${N} C=${C} OC=${OC} nulls=${nulls.join(",")}`;
                    checkClose(a[0], e[0], `matmulBackward dinp ${tag}`, TOL);
                    checkClose(a[1], e[1], `matmulBackward dweight ${tag}`, TOL);
                    checkClose(a[2], e[2], `matmulBackward dbias ${tag}`, TOL);
                }
            }
        });

        test("encoderForward / encoderBackward: repeated tokens, += into dwte", () => {
            const rng = makeRng(3);
            for (const [N, C, V] of [[13, 37, 11], [1, 5, 2], [70, 300, 9]] as const) {
                const tokens = Int32Array.from({ length: N }, () => Math.floor(rng() * V));
                const wte = randomArray(rng, V * C);
                const expected = new Float32Array(N * C);
                const actual = offsetView(randomArray(rng, N * C));
                ref.encoderForward(expected, tokens, wte, N, C);
                ks.encoderForward(actual, tokens, wte, N, C);
                checkClose(actual, expected, `encoderForward N=${N} C=${C}`, 0);
                const dout = randomArray(rng, N * C);
                const dwte0 = randomArray(rng, V * C);
                const e = copy(dwte0);
                const a = offsetView(dwte0);
                ref.encoderBackward(e, dout, tokens, N, C);
                ks.encoderBackward(a, dout, tokens, N, C);
                checkClose(a, e, `encoderBackward N=${N} C=${C}`, TOL);
            }
        });

        test("rmsnormForward / rmsnormBackward: rstd, += into dinp and dweight", () => {
            const rng = makeRng(4);
            for (const [N, C] of [[7, 37], [1, 1], [13, 288], [130, 19]] as const) {
                const inp = randomArray(rng, N * C, 2);
                const weight = randomArray(rng, C);
                const eo = new Float32Array(N * C);
                const er = new Float32Array(N);
                const ao = offsetView(randomArray(rng, N * C));
                const ar = offsetView(randomArray(rng, N));
                ref.rmsnormForward(eo, er, inp, weight, N, C, 1e-5);
                ks.rmsnormForward(ao, ar, inp, weight, N, C, 1e-5);
                checkClose(ao, eo, `rmsnormForward out N=${N} C=${C}`, TOL);
                checkClose(ar, er, `rmsnormForward rstd N=${N} C=${C}`, TOL);
                const dout = randomArray(rng, N * C);
                const dinp0 = randomArray(rng, N * C);
                const dweight0 = randomArray(rng, C);
                const ed = copy(dinp0);
                const ew = copy(dweight0);
                const ad = offsetView(dinp0);
                const aw = offsetView(dweight0);
                ref.rmsnormBackward(ed, ew, dout, inp, weight, er, N, C);
                ks.rmsnormBackward(ad, aw, dout, inp, weight, er, N, C);
                checkClose(ad, ed, `rmsnormBackward dinp N=${N} C=${C}`, TOL);
                checkClose(aw, ew, `rmsnormBackward dweight N=${N} C=${C}`, TOL);
            }
        });

        test("ropeForward / ropeBackward: pos0 > 0, in place and out of place", () => {
            const rng = makeRng(5);
            for (const [B, T, NHx, HS, pos0] of [[2, 5, 3, 6, 3], [1, 13, 2, 48, 0], [3, 7, 1, 34, 11], [1, 1, 4, 2, 40]] as const) {
                const half = HS / 2;
                const maxT = pos0 + T + 2;
                const cos = new Float32Array(maxT * half);
                const sin = new Float32Array(maxT * half);
                for (let p = 0; p < maxT; p++) {
                    for (let i = 0; i < half; i++) {
                        const angle = p * Math.pow(10000, (-2 * i) / HS);
                        cos[p * half + i] = Math.cos(angle);
                        sin[p * half + i] = Math.sin(angle);
                    }
                }
                const n = B * T * NHx * HS;
                const inp = randomArray(rng, n);
                const tag = `B=${B} T=${T} NHx=${NHx} HS=${HS} pos0=${pos0}`;
                const expected = new Float32Array(n);
                ref.ropeForward(expected, inp, cos, sin, null, B, T, NHx, HS, pos0);
                const actual = offsetView(randomArray(rng, n));
                ks.ropeForward(actual, inp, cos, sin, null, B, T, NHx, HS, pos0);
                checkClose(actual, expected, `ropeForward ${tag}`, TOL);
                const inPlace = copy(inp);
                ks.ropeForward(inPlace, inPlace, cos, sin, null, B, T, NHx, HS, pos0);
                checkClose(inPlace, expected, `ropeForward in place ${tag}`, TOL);

                const dout = randomArray(rng, n);
                const ed = new Float32Array(n);
                ref.ropeBackward(ed, dout, cos, sin, null, B, T, NHx, HS, pos0);
                const ad = offsetView(randomArray(rng, n));
                ks.ropeBackward(ad, dout, cos, sin, null, B, T, NHx, HS, pos0);
                checkClose(ad, ed, `ropeBackward ${tag}`, TOL);
                const adInPlace = copy(dout);
                ks.ropeBackward(adInPlace, adInPlace, cos, sin, null, B, T, NHx, HS, pos0);
                checkClose(adInPlace, ed, `ropeBackward in place ${tag}`, TOL);
            }
        });

        test("attentionForward / attentionBackward: causal, GQA, T beyond one key block, = semantics", () => {
            const rng = makeRng(6);
            const shapes: [number, number, number, number, number][] = [[2, 13, 4, 2, 6], [1, 7, 3, 3, 8],
                [2, 70, 4, 1, 16], [1, 1, 2, 1, 5], [1, 130, 2, 2, 48]];
            for (const [B, T, NH, NKV, HS] of shapes) {
                const tag = `B=${B} T=${T} NH=${NH} NKV=${NKV} HS=${HS}`;
                const nq = B * T * NH * HS;
                const nkv = B * T * NKV * HS;
                const q = randomArray(rng, nq, 2);
                const k = randomArray(rng, nkv, 2);
                const v = randomArray(rng, nkv);
                const eo = new Float32Array(nq);
                const el = new Float32Array(B * NH * T);
                ref.attentionForward(eo, el, q, k, v, null, B, T, NH, NKV, HS);
                const ao = offsetView(randomArray(rng, nq));
                const al = offsetView(randomArray(rng, B * NH * T));
                ks.attentionForward(ao, al, offsetView(q), k, v, null, B, T, NH, NKV, HS);
                checkClose(ao, eo, `attentionForward out ${tag}`, TOL);
                checkClose(al, el, `attentionForward lse ${tag}`, TOL);

                const dout = randomArray(rng, nq);
                const e = [new Float32Array(nq), new Float32Array(nkv), new Float32Array(nkv)] as const;
                const a = [offsetView(randomArray(rng, nq)), offsetView(randomArray(rng, nkv)), offsetView(randomArray(rng, nkv))] as const;
                ref.attentionBackward(e[0], e[1], e[2], dout, q, k, v, eo, el, null, B, T, NH, NKV, HS);
                ks.attentionBackward(a[0], a[1], a[2], dout, q, k, v, eo, el, null, B, T, NH, NKV, HS);
                checkClose(a[0], e[0], `attentionBackward dq ${tag}`, TOL_BWD, ATTN_FLOOR);
                checkClose(a[1], e[1], `attentionBackward dk ${tag}`, TOL_BWD, ATTN_FLOOR);
                checkClose(a[2], e[2], `attentionBackward dv ${tag}`, TOL_BWD, ATTN_FLOOR);
            }
        });

        test("ropeForward / ropeBackward: packed positions restarting at 0, in place", () => {
            const rng = makeRng(15);
            for (const [B, T, NHx, HS, lengths] of [[2, 9, 3, 6, [4, 1, 4]], [1, 70, 2, 48, [33, 37]], [3, 5, 1, 34, [5]]] as const) {
                const { cos, sin } = ropeTables(T, HS);
                const positions = packedPositions(B, T, lengths);
                const n = B * T * NHx * HS;
                const inp = randomArray(rng, n);
                const tag = `B=${B} T=${T} NHx=${NHx} HS=${HS} lengths=${lengths.join(",")}`;
                const expected = new Float32Array(n);
                ref.ropeForward(expected, inp, cos, sin, positions, B, T, NHx, HS, 0);
                const actual = offsetView(randomArray(rng, n));
                ks.ropeForward(actual, inp, cos, sin, positions, B, T, NHx, HS, 7);
                checkClose(actual, expected, `ropeForward positions ${tag} (pos0 unused)`, TOL);
                const inPlace = copy(inp);
                ks.ropeForward(inPlace, inPlace, cos, sin, positions, B, T, NHx, HS, 0);
                checkClose(inPlace, expected, `ropeForward positions in place ${tag}`, TOL);
                // position p of a packed row is rotated exactly as row p of an unpacked one
                const alone = new Float32Array(NHx * HS);
                ks.ropeForward(alone, inp.subarray((T - 1) * NHx * HS, T * NHx * HS), cos, sin, null, 1, 1, NHx, HS, positions[T - 1]!);
                checkClose(alone, expected.subarray((T - 1) * NHx * HS, T * NHx * HS), `ropeForward last position ${tag}`, TOL);

                const dout = randomArray(rng, n);
                const ed = new Float32Array(n);
                ref.ropeBackward(ed, dout, cos, sin, positions, B, T, NHx, HS, 0);
                const adInPlace = copy(dout);
                ks.ropeBackward(adInPlace, adInPlace, cos, sin, positions, B, T, NHx, HS, 0);
                checkClose(adInPlace, ed, `ropeBackward positions in place ${tag}`, TOL);
            }
        });

        test("attentionForward / attentionBackward: packed rows (block-diagonal causal), segments across key blocks", () => {
            const rng = makeRng(16);
            const cases: [number, number, number, number, number, number[]][] = [
                [2, 13, 4, 2, 6, [5, 1, 7]], [1, 150, 2, 1, 16, [70, 3, 1, 60, 16]], [2, 130, 2, 2, 48, [64, 64, 2]],
                [1, 9, 3, 3, 8, [1, 1, 2, 1, 3, 1]], [1, 40, 2, 2, 8, [40]],
            ];
            for (const [B, T, NH, NKV, HS, lengths] of cases) {
                const tag = `B=${B} T=${T} NH=${NH} NKV=${NKV} HS=${HS} lengths=${lengths.join(",")}`;
                const segStart = segmentStarts(packedPositions(B, T, lengths), T);
                const nq = B * T * NH * HS;
                const nkv = B * T * NKV * HS;
                const q = randomArray(rng, nq, 2);
                const k = randomArray(rng, nkv, 2);
                const v = randomArray(rng, nkv);
                const eo = new Float32Array(nq);
                const el = new Float32Array(B * NH * T);
                ref.attentionForward(eo, el, q, k, v, segStart, B, T, NH, NKV, HS);
                const ao = offsetView(randomArray(rng, nq));
                const al = offsetView(randomArray(rng, B * NH * T));
                ks.attentionForward(ao, al, q, k, v, segStart, B, T, NH, NKV, HS);
                checkClose(ao, eo, `attentionForward packed out ${tag}`, TOL);
                checkClose(al, el, `attentionForward packed lse ${tag}`, TOL);

                const dout = randomArray(rng, nq);
                const e = [new Float32Array(nq), new Float32Array(nkv), new Float32Array(nkv)] as const;
                const a = [offsetView(randomArray(rng, nq)), offsetView(randomArray(rng, nkv)), offsetView(randomArray(rng, nkv))] as const;
                ref.attentionBackward(e[0], e[1], e[2], dout, q, k, v, eo, el, segStart, B, T, NH, NKV, HS);
                ks.attentionBackward(a[0], a[1], a[2], dout, q, k, v, eo, el, segStart, B, T, NH, NKV, HS);
                checkClose(a[0], e[0], `attentionBackward packed dq ${tag}`, TOL_BWD, ATTN_FLOOR);
                checkClose(a[1], e[1], `attentionBackward packed dk ${tag}`, TOL_BWD, ATTN_FLOOR);
                checkClose(a[2], e[2], `attentionBackward packed dv ${tag}`, TOL_BWD, ATTN_FLOOR);

                // The last example of row 0, run alone as an unpacked row, gives the same outputs.
                const len = lengths[lengths.length - 1]!;
                const from = T - len;
                const slice = (x: Float32Array, heads: number): Float32Array => x.slice(from * heads * HS, T * heads * HS);
                const so = new Float32Array(len * NH * HS);
                const sl = new Float32Array(NH * len);
                ks.attentionForward(so, sl, slice(q, NH), slice(k, NKV), slice(v, NKV), null, 1, len, NH, NKV, HS);
                checkClose(so, slice(ao, NH), `attentionForward packed = alone ${tag}`, TOL);
            }
        });

        test("swigluForward / swigluBackward: large |gate| included, = semantics", () => {
            const rng = makeRng(7);
            for (const n of [37, 1, 1000, 40_000]) {
                const gate = randomArray(rng, n, 6);
                gate[0] = 90;
                if (n > 1) {
                    gate[n - 1] = -95;
                }
                const up = randomArray(rng, n);
                const eo = new Float32Array(n);
                ref.swigluForward(eo, gate, up, n);
                const ao = offsetView(randomArray(rng, n));
                ks.swigluForward(ao, gate, up, n);
                checkClose(ao, eo, `swigluForward n=${n}`, TOL);
                const dout = randomArray(rng, n);
                const eg = new Float32Array(n);
                const eu = new Float32Array(n);
                ref.swigluBackward(eg, eu, dout, gate, up, n);
                const ag = offsetView(randomArray(rng, n));
                const au = offsetView(randomArray(rng, n));
                ks.swigluBackward(ag, au, dout, gate, up, n);
                checkClose(ag, eg, `swigluBackward dgate n=${n}`, TOL);
                checkClose(au, eu, `swigluBackward dup n=${n}`, TOL);
            }
        });

        test("addInPlace: several chunks, and out === inp", () => {
            const rng = makeRng(8);
            for (const n of [37, 100_003, 0]) {
                const out0 = randomArray(rng, n);
                const inp = randomArray(rng, n);
                const e = copy(out0);
                const a = offsetView(out0);
                ref.addInPlace(e, inp, n);
                ks.addInPlace(a, inp, n);
                checkClose(a, e, `addInPlace n=${n}`, 0);
                const self = copy(inp);
                ks.addInPlace(self, self, n);
                checkClose(self, inp.map((x) => 2 * x), `addInPlace aliased n=${n}`, 0);
            }
        });

        test("crossEntropyForwardBackward: 32000-way, ignored targets, gradScale, dlogits null or = logits", () => {
            const rng = makeRng(9);
            for (const [N, V] of [[7, 37], [5, 32000], [3, 1]] as const) {
                const logits = randomArray(rng, N * V, 8);
                const targets = Int32Array.from({ length: N }, (_, i) => (i === 1 ? -100 : Math.floor(rng() * V)));
                const gradScale = 0.37;
                const tag = `N=${N} V=${V}`;
                const el = new Float32Array(N);
                const ed = new Float32Array(N * V);
                const eSum = ref.crossEntropyForwardBackward(el, ed, logits, targets, N, V, gradScale);
                const al = offsetView(randomArray(rng, N));
                const ad = offsetView(randomArray(rng, N * V));
                const aSum = ks.crossEntropyForwardBackward(al, ad, offsetView(logits), targets, N, V, gradScale);
                checkClose(al, el, `crossEntropy losses ${tag}`, TOL);
                checkClose(ad, ed, `crossEntropy dlogits ${tag}`, TOL_BWD, gradScale);
                checkScalar(aSum, eSum, `crossEntropy sum ${tag}`, TOL);
                const nl = new Float32Array(N);
                checkScalar(ks.crossEntropyForwardBackward(nl, null, logits, targets, N, V, gradScale), eSum, `crossEntropy no dlogits ${tag}`, TOL);
                checkClose(nl, el, `crossEntropy losses (no dlogits) ${tag}`, TOL);
                const aliased = copy(logits);
                const al2 = new Float32Array(N);
                checkScalar(ks.crossEntropyForwardBackward(al2, aliased, aliased, targets, N, V, gradScale), eSum, `crossEntropy aliased sum ${tag}`, TOL);
                checkClose(aliased, ed, `crossEntropy dlogits aliased ${tag}`, TOL_BWD, gradScale);
            }
        });

        test("adamwUpdate: five steps, weight decay, gradScale", () => {
            const rng = makeRng(10);
            for (const n of [37, 40_003]) {
                const params0 = randomArray(rng, n);
                const e = { p: copy(params0), m: new Float32Array(n), v: new Float32Array(n) };
                const a = { p: offsetView(params0), m: offsetView(new Float32Array(n)), v: offsetView(new Float32Array(n)) };
                for (let step = 1; step <= 5; step++) {
                    const grads = randomArray(rng, n, 0.1);
                    ref.adamwUpdate(e.p, grads, e.m, e.v, n, 1e-3, 0.9, 0.95, 1e-8, 0.1, step, 0.7);
                    ks.adamwUpdate(a.p, grads, a.m, a.v, n, 1e-3, 0.9, 0.95, 1e-8, 0.1, step, 0.7);
                }
                checkClose(a.p, e.p, `adamw params n=${n}`, TOL);
                checkClose(a.m, e.m, `adamw m n=${n}`, TOL);
                checkClose(a.v, e.v, `adamw v n=${n}`, TOL);
            }
        });

        test("sumSquares: empty, odd, many chunks", () => {
            const rng = makeRng(11);
            for (const n of [0, 37, 100_003]) {
                const x = randomArray(rng, n, 3);
                checkScalar(ks.sumSquares(offsetView(x), n), ref.sumSquares(x, n), `sumSquares n=${n}`, 1e-6);
            }
        });

        test("determinism: repeated calls give bitwise-identical outputs", () => {
            const rng = makeRng(12);
            const [N, C, OC] = [150, 300, 70];
            const inp = randomArray(rng, N * C);
            const weight = randomArray(rng, OC * C);
            const dout = randomArray(rng, N * OC);
            const runs = [0, 1].map(() => {
                const out = new Float32Array(N * OC);
                const dweight = new Float32Array(OC * C);
                const dinp = new Float32Array(N * C);
                const dw = new Float32Array(C);
                ks.matmulForward(out, inp, weight, null, N, C, OC);
                ks.matmulBackward(dinp, dweight, null, dout, inp, weight, N, C, OC);
                ks.rmsnormBackward(dinp, dw, inp, inp, inp.subarray(0, C), new Float32Array(N).fill(0.5), N, C);
                return { out, dweight, dinp, dw, ss: ks.sumSquares(dweight, OC * C) };
            });
            const [r0, r1] = runs as [(typeof runs)[0], (typeof runs)[0]];
            assertBitwiseEqual(r0.out, r1.out, "matmulForward");
            assertBitwiseEqual(r0.dweight, r1.dweight, "matmulBackward dweight");
            assertBitwiseEqual(r0.dinp, r1.dinp, "matmulBackward + rmsnormBackward dinp");
            assertBitwiseEqual(r0.dw, r1.dw, "rmsnormBackward dweight");
            checkScalar(r0.ss, r1.ss, "sumSquares", 0);
        });
    });
}
