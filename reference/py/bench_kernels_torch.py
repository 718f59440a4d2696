"""Anchor for `npm run bench:kernels`: the same kernels in PyTorch (fp32, CPU, OpenBLAS), served over stdin.

bench/kernels.ts starts this once and alternates with mellama's kernels: it writes one JSON request per line,
{"op": ..., "shape": {...}, "reps": r}, and reads back {"seconds": <median seconds per call over r timed calls>}
(after one untimed call, as on the mellama side).
The inputs are built once per shape and cached, so only the op is timed. Ops mirror what a plain PyTorch LLaMA
training step runs (torch 1.13 has no fused attention: the eager matmul + mask + softmax path is the anchor).

Run as: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 bench_kernels_torch.py THREADS
(without the OpenBLAS path Debian's torch links the reference BLAS, which is not an anchor).
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)
cache = {}


def setup(op, s):
    if op in ("matmulForward", "matmulBackward"):
        x = torch.randn(s["N"], s["C"])
        w = torch.randn(s["OC"], s["C"])
        dout = torch.randn(s["N"], s["OC"])
        dinp = torch.zeros(s["N"], s["C"])
        dw = torch.zeros(s["OC"], s["C"])
        if op == "matmulForward":
            return lambda: F.linear(x, w)
        return lambda: (dinp.addmm_(dout, w), dw.addmm_(dout.t(), x))
    if op in ("attentionForward", "attentionBackward"):
        B, T, NH, HS = s["B"], s["T"], s["NH"], s["HS"]
        q, k, v = (torch.randn(B, NH, T, HS, requires_grad=True) for _ in range(3))
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)

        def forward():
            att = (q @ k.transpose(-2, -1)) * (HS ** -0.5)
            att = att.masked_fill(mask, float("-inf")).softmax(-1)
            return att @ v

        if op == "attentionForward":
            return lambda: forward().detach()
        dy = torch.randn(B, NH, T, HS)

        def backward():
            y = forward()
            y.backward(dy)
        return backward
    if op == "crossEntropyForwardBackward":
        logits = torch.randn(s["N"], s["V"], requires_grad=True)
        targets = torch.randint(0, s["V"], (s["N"],))

        def ce():
            loss = F.cross_entropy(logits, targets, reduction="sum")
            loss.backward()
        return ce
    if op == "rmsnormForward":
        x = torch.randn(s["N"], s["C"])
        w = torch.randn(s["C"])
        return lambda: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * w
    if op == "swigluForward":
        g, u = torch.randn(s["n"]), torch.randn(s["n"])
        return lambda: F.silu(g) * u
    if op == "adamwUpdate":
        p = torch.nn.Parameter(torch.randn(s["n"]))
        p.grad = torch.randn(s["n"]) * 0.01
        opt = torch.optim.AdamW([p], lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
        return opt.step
    raise ValueError(f"unknown op {op}")


for line in sys.stdin:
    req = json.loads(line)
    key = json.dumps([req["op"], req["shape"]], sort_keys=True)
    if key not in cache:
        cache[key] = setup(req["op"], req["shape"])
        cache[key]()  # warm-up (allocations, thread start)
    fn = cache[key]
    times = []
    fn()  # untimed, as on the mellama side: caches and clocks back up after the other side ran
    with torch.no_grad() if req["op"] in ("matmulForward", "matmulBackward", "rmsnormForward", "swigluForward") else torch.enable_grad():
        for _ in range(req["reps"]):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    sys.stdout.write(json.dumps({"seconds": statistics.median(times)}) + "\n")
    sys.stdout.flush()
