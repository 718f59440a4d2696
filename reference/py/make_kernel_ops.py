#!/usr/bin/env python3
"""Per-op PyTorch oracle for the reference kernels (STYLE.md §4.2: the reference set is checked against PyTorch
once, per op; other sets are checked against the reference by the conformance suite). Small odd shapes, float32.

Writes test/fixtures/model/kernel_ops.{json,bin}: .bin little-endian float32 tensors back to back, .json
{version, shapes, scalars, tensors: {name: {shape, offset}}} (offset in float32 elements; integer tensors such as
targets are stored as float32). Each backward is torch.autograd of sum(out * dout) for a random dout.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 reference/py/make_kernel_ops.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(77)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "model", "kernel_ops")
tensors = {}


def put(name, t):
    tensors[name] = t.detach().to(torch.float32).contiguous().clone()


def grads(out, dout, *inputs):
    return torch.autograd.grad((out * dout).sum(), inputs)


# matmul with bias: N=5, C=7, OC=3
x, w, b = (torch.randn(5, 7, requires_grad=True), torch.randn(3, 7, requires_grad=True), torch.randn(3, requires_grad=True))
out = F.linear(x, w, b)
dout = torch.randn_like(out)
for n, t in zip(["matmul.inp", "matmul.weight", "matmul.bias", "matmul.out", "matmul.dout"], [x, w, b, out, dout]):
    put(n, t)
for n, t in zip(["matmul.dinp", "matmul.dweight", "matmul.dbias"], grads(out, dout, x, w, b)):
    put(n, t)

# RMSNorm (HF LlamaRMSNorm): N=4, C=9
EPS = 1e-5
x, w = torch.randn(4, 9, requires_grad=True), (1 + 0.2 * torch.randn(9)).requires_grad_()
rstd = torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS)
out = w * (x * rstd)
dout = torch.randn_like(out)
for n, t in zip(["rmsnorm.inp", "rmsnorm.weight", "rmsnorm.out", "rmsnorm.rstd", "rmsnorm.dout"], [x, w, out, rstd.squeeze(-1), dout]):
    put(n, t)
for n, t in zip(["rmsnorm.dinp", "rmsnorm.dweight"], grads(out, dout, x, w)):
    put(n, t)

# RoPE, HF rotate-half, x (B=2, T=3, NHx=2, HS=6) at positions pos0=4.. with (maxT=8, HS/2) tables
B, T, NHX, HS, POS0, MAXT = 2, 3, 2, 6, 4, 8
inv = 1.0 / (10000.0 ** (torch.arange(0, HS, 2, dtype=torch.int64).float() / HS))
freqs = torch.outer(torch.arange(MAXT, dtype=torch.float32), inv)
cos_t, sin_t = freqs.cos(), freqs.sin()
x = torch.randn(B, T, NHX, HS, requires_grad=True)
emb = torch.cat([freqs, freqs], -1)[POS0:POS0 + T]
cos, sin = emb.cos()[None, :, None, :], emb.sin()[None, :, None, :]
rot = torch.cat([-x[..., HS // 2:], x[..., : HS // 2]], -1)
out = x * cos + rot * sin
dout = torch.randn_like(out)
for n, t in zip(["rope.cos", "rope.sin", "rope.inp", "rope.out", "rope.dout"], [cos_t, sin_t, x, out, dout]):
    put(n, t)
put("rope.dinp", grads(out, dout, x)[0])

# causal GQA attention: q (B=2, T=5, NH=4, HS=6), k, v (B, T, NKV=2, HS)
AB, AT, NH, NKV, AHS = 2, 5, 4, 2, 6
q = torch.randn(AB, AT, NH, AHS, requires_grad=True)
k = torch.randn(AB, AT, NKV, AHS, requires_grad=True)
v = torch.randn(AB, AT, NKV, AHS, requires_grad=True)
qh = q.transpose(1, 2)
kh = k.transpose(1, 2).repeat_interleave(NH // NKV, dim=1)
vh = v.transpose(1, 2).repeat_interleave(NH // NKV, dim=1)
scores = qh @ kh.transpose(2, 3) / math.sqrt(AHS) + torch.full((AT, AT), float("-inf")).triu(1)
lse = torch.logsumexp(scores, -1)
out = (torch.softmax(scores, -1) @ vh).transpose(1, 2).contiguous()
dout = torch.randn_like(out)
for n, t in zip(["attention.q", "attention.k", "attention.v", "attention.out", "attention.lse", "attention.dout"], [q, k, v, out, lse, dout]):
    put(n, t)
for n, t in zip(["attention.dq", "attention.dk", "attention.dv"], grads(out, dout, q, k, v)):
    put(n, t)

# SwiGLU: n = 10
gate, up = torch.randn(10, requires_grad=True), torch.randn(10, requires_grad=True)
out = F.silu(gate) * up
dout = torch.randn_like(out)
for n, t in zip(["swiglu.gate", "swiglu.up", "swiglu.out", "swiglu.dout"], [gate, up, out, dout]):
    put(n, t)
for n, t in zip(["swiglu.dgate", "swiglu.dup"], grads(out, dout, gate, up)):
    put(n, t)

# cross-entropy with ignore -100: N=4, V=9, gradScale 0.37 (dlogits = d(0.37 · Σ losses)/dlogits)
SCALE = 0.37
logits = (3 * torch.randn(4, 9)).requires_grad_()
targets = torch.tensor([3, -100, 0, 8])
losses = F.cross_entropy(logits, targets, ignore_index=-100, reduction="none")
(dlogits,) = torch.autograd.grad(SCALE * losses.sum(), logits)
for n, t in zip(["ce.logits", "ce.targets", "ce.losses", "ce.dlogits"], [logits, targets.float(), losses, dlogits]):
    put(n, t)

# AdamW: 3 steps of torch.optim.AdamW on n = 6 with given gradients
LR, BETAS, AEPS, WD = 0.01, (0.9, 0.95), 1e-8, 0.1
p = torch.randn(6, requires_grad=True)
put("adamw.param0", p)
opt = torch.optim.AdamW([p], lr=LR, betas=BETAS, eps=AEPS, weight_decay=WD)
for s in range(3):
    g = torch.randn(6) * (10 ** (s - 1))
    p.grad = g.clone()
    opt.step()
    put(f"adamw.grad{s}", g)
    put(f"adamw.param{s + 1}", p)

header = {"version": 1, "generator": "reference/py/make_kernel_ops.py", "torch": torch.__version__,
          "scalars": {"rmsnormEps": EPS, "ropePos0": POS0, "ceGradScale": SCALE, "adamw": {"lr": LR, "beta1": BETAS[0],
                      "beta2": BETAS[1], "eps": AEPS, "weightDecay": WD}},
          "tensors": {}}
offset = 0
with open(OUT + ".bin", "wb") as f:
    for name, t in tensors.items():
        header["tensors"][name] = {"shape": list(t.shape), "offset": offset}
        f.write(t.numpy().astype("<f4").tobytes())
        offset += t.numel()
with open(OUT + ".json", "w") as f:
    json.dump(header, f, indent=1)
    f.write("\n")
print("wrote", offset, "floats")
