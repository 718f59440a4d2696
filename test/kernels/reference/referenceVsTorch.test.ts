/**
 * The reference kernels against PyTorch, op by op (fixture from reference/py/make_kernel_ops.py): matmul with bias,
 * RMSNorm, RoPE rotate-half at pos0 > 0, causal GQA attention (out, lse, dq, dk, dv), SwiGLU, cross-entropy with
 * ignore index -100 and a gradScale, and 3 torch.optim.AdamW steps. Backwards are autograd of Σ out · dout.
 * Tolerance 1e-5 relative max-abs (max|a-e| / max(1e-6, max|e|)): single float32 ops on tiny shapes round to
 * ~1e-7; AdamW 1e-5 absolute on O(1) weights.
 */
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { referenceKernels as k } from "../../../src/kernels/reference/index.js";
import { checkTensor } from "../../model/llamaFixture.js";

const TOL = 1e-5;
const stem = fileURLToPath(new URL("../../fixtures/model/kernel_ops", import.meta.url));
const header = JSON.parse(readFileSync(`${stem}.json`, "utf8")) as {
    scalars: { rmsnormEps: number; ropePos0: number; ceGradScale: number;
        adamw: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }; };
    tensors: Record<string, { shape: number[]; offset: number }>;
};
const bytes = readFileSync(`${stem}.bin`);
const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const t = (name: string): Float32Array => {
    const spec = header.tensors[name];
    if (spec === undefined) {
        throw new Error(`kernel_ops fixture has no ${name}`);
    }
    return all.slice(spec.offset, spec.offset + spec.shape.reduce((a, b) => a * b, 1));
};
const shape = (name: string): number[] => header.tensors[name]!.shape;

test("matmul forward and backward (with bias) match torch.nn.functional.linear", () => {
    const [N, C] = shape("matmul.inp") as [number, number];
    const OC = shape("matmul.weight")[0]!;
    const out = new Float32Array(N * OC);
    k.matmulForward(out, t("matmul.inp"), t("matmul.weight"), t("matmul.bias"), N, C, OC);
    checkTensor(out, t("matmul.out"), "matmul out", TOL);
    const dinp = new Float32Array(N * C);
    const dweight = new Float32Array(OC * C);
    const dbias = new Float32Array(OC);
    k.matmulBackward(dinp, dweight, dbias, t("matmul.dout"), t("matmul.inp"), t("matmul.weight"), N, C, OC);
    checkTensor(dinp, t("matmul.dinp"), "matmul dinp", TOL);
    checkTensor(dweight, t("matmul.dweight"), "matmul dweight", TOL);
    checkTensor(dbias, t("matmul.dbias"), "matmul dbias", TOL);
});

test("RMSNorm forward and backward match HF LlamaRMSNorm", () => {
    const [N, C] = shape("rmsnorm.inp") as [number, number];
    const out = new Float32Array(N * C);
    const rstd = new Float32Array(N);
    k.rmsnormForward(out, rstd, t("rmsnorm.inp"), t("rmsnorm.weight"), N, C, header.scalars.rmsnormEps);
    checkTensor(out, t("rmsnorm.out"), "rmsnorm out", TOL);
    checkTensor(rstd, t("rmsnorm.rstd"), "rmsnorm rstd", TOL);
    const dinp = new Float32Array(N * C);
    const dweight = new Float32Array(C);
    k.rmsnormBackward(dinp, dweight, t("rmsnorm.dout"), t("rmsnorm.inp"), t("rmsnorm.weight"), rstd, N, C);
    checkTensor(dinp, t("rmsnorm.dinp"), "rmsnorm dinp", TOL);
    checkTensor(dweight, t("rmsnorm.dweight"), "rmsnorm dweight", TOL);
});

test("RoPE (rotate-half, pos0 > 0) forward and backward match HF apply_rotary_pos_emb", () => {
    const [B, T, NHx, HS] = shape("rope.inp") as [number, number, number, number];
    const pos0 = header.scalars.ropePos0;
    const out = new Float32Array(B * T * NHx * HS);
    k.ropeForward(out, t("rope.inp"), t("rope.cos"), t("rope.sin"), null, B, T, NHx, HS, pos0);
    checkTensor(out, t("rope.out"), "rope out", TOL);
    const dinp = new Float32Array(out.length);
    k.ropeBackward(dinp, t("rope.dout"), t("rope.cos"), t("rope.sin"), null, B, T, NHx, HS, pos0);
    checkTensor(dinp, t("rope.dinp"), "rope dinp", TOL);
});

test("causal GQA attention: out, lse and dq, dk, dv match softmax attention with repeat_kv", () => {
    const [B, T, NH, HS] = shape("attention.q") as [number, number, number, number];
    const NKV = shape("attention.k")[2]!;
    const out = new Float32Array(B * T * NH * HS);
    const lse = new Float32Array(B * NH * T);
    k.attentionForward(out, lse, t("attention.q"), t("attention.k"), t("attention.v"), null, B, T, NH, NKV, HS);
    checkTensor(out, t("attention.out"), "attention out", TOL);
    checkTensor(lse, t("attention.lse"), "attention lse", TOL);
    const dq = new Float32Array(out.length).fill(Number.NaN);
    const dk = new Float32Array(B * T * NKV * HS).fill(Number.NaN);
    const dv = new Float32Array(B * T * NKV * HS).fill(Number.NaN);
    k.attentionBackward(dq, dk, dv, t("attention.dout"), t("attention.q"), t("attention.k"), t("attention.v"), out, lse, null, B, T, NH, NKV, HS);
    checkTensor(dq, t("attention.dq"), "attention dq", TOL);
    checkTensor(dk, t("attention.dk"), "attention dk", TOL);
    checkTensor(dv, t("attention.dv"), "attention dv", TOL);
});

test("SwiGLU forward and backward match silu(gate) * up", () => {
    const n = shape("swiglu.gate")[0]!;
    const out = new Float32Array(n);
    k.swigluForward(out, t("swiglu.gate"), t("swiglu.up"), n);
    checkTensor(out, t("swiglu.out"), "swiglu out", TOL);
    const dgate = new Float32Array(n);
    const dup = new Float32Array(n);
    k.swigluBackward(dgate, dup, t("swiglu.dout"), t("swiglu.gate"), t("swiglu.up"), n);
    checkTensor(dgate, t("swiglu.dgate"), "swiglu dgate", TOL);
    checkTensor(dup, t("swiglu.dup"), "swiglu dup", TOL);
});

test("cross-entropy with ignore index -100 and gradScale matches F.cross_entropy", () => {
    const [N, V] = shape("ce.logits") as [number, number];
    const losses = new Float32Array(N);
    const dlogits = new Float32Array(N * V);
    const targets = Int32Array.from(t("ce.targets"));
    const total = k.crossEntropyForwardBackward(losses, dlogits, t("ce.logits"), targets, N, V, header.scalars.ceGradScale);
    checkTensor(losses, t("ce.losses"), "ce losses", TOL);
    checkTensor(dlogits, t("ce.dlogits"), "ce dlogits", TOL);
    checkTensor(Float32Array.of(total), Float32Array.of(t("ce.losses").reduce((a, b) => a + b, 0)), "ce total", TOL);
});

test("adamwUpdate follows 3 steps of torch.optim.AdamW", () => {
    const a = header.scalars.adamw;
    const p = t("adamw.param0");
    const m = new Float32Array(p.length);
    const v = new Float32Array(p.length);
    for (let s = 0; s < 3; s++) {
        k.adamwUpdate(p, t(`adamw.grad${s}`), m, v, p.length, a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, s + 1, 1);
        checkTensor(p, t(`adamw.param${s + 1}`), `adamw step ${s + 1}`, TOL);
    }
});
