"""Anchor for `npm run bench:train`: training steps (forward + backward + AdamW) of the same LLaMA-2 model in plain
PyTorch fp32 on the CPU: nn.Linear without bias, RMSNorm in float32, rotate-half RoPE, GQA via repeat_kv, eager
causal attention (torch 1.13 has no fused attention), SwiGLU, untied lm_head, mean cross-entropy.

Prints one JSON line: {"stepSeconds": [...measured steps...], "maxRssKiB": peak RSS of this process}.
Run as: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 bench_train_torch.py \
        '{"dim":288,"nLayers":6,"nHeads":6,"nKvHeads":6,"hiddenDim":768,"vocabSize":32000}' B T WARMUP STEPS THREADS
(without the OpenBLAS path Debian's torch links the reference BLAS, which is not an anchor).
"""
import json
import math
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        dim, self.nh, self.nkv = c["dim"], c["nHeads"], c["nKvHeads"]
        self.hs = dim // self.nh
        self.input_layernorm = RMSNorm(dim, 1e-5)
        self.q_proj = nn.Linear(dim, dim, bias=False)
        self.k_proj = nn.Linear(dim, self.nkv * self.hs, bias=False)
        self.v_proj = nn.Linear(dim, self.nkv * self.hs, bias=False)
        self.o_proj = nn.Linear(dim, dim, bias=False)
        self.post_attention_layernorm = RMSNorm(dim, 1e-5)
        self.gate_proj = nn.Linear(dim, c["hiddenDim"], bias=False)
        self.up_proj = nn.Linear(dim, c["hiddenDim"], bias=False)
        self.down_proj = nn.Linear(c["hiddenDim"], dim, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, dim = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, t, self.nh, self.hs).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.nkv, self.hs).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.nkv, self.hs).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.nh // self.nkv
        if rep > 1:
            k = k[:, :, None].expand(b, self.nkv, rep, t, self.hs).reshape(b, self.nh, t, self.hs)
            v = v[:, :, None].expand(b, self.nkv, rep, t, self.hs).reshape(b, self.nh, t, self.hs)
        att = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(self.hs) + mask, dim=-1)
        x = x + self.o_proj((att @ v).transpose(1, 2).reshape(b, t, dim))
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Llama(nn.Module):
    def __init__(self, c, T):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocabSize"], c["dim"])
        self.layers = nn.ModuleList([Block(c) for _ in range(c["nLayers"])])
        self.norm = RMSNorm(c["dim"], 1e-5)
        self.lm_head = nn.Linear(c["dim"], c["vocabSize"], bias=False)
        hs = c["dim"] // c["nHeads"]
        inv = 1.0 / (10000.0 ** (torch.arange(0, hs, 2).float() / hs))
        emb = torch.cat([torch.outer(torch.arange(T).float(), inv)] * 2, dim=-1)
        self.register_buffer("cos", emb.cos(), persistent=False)
        self.register_buffer("sin", emb.sin(), persistent=False)
        self.register_buffer("mask", torch.full((T, T), float("-inf")).triu(1), persistent=False)

    def forward(self, tokens, targets):
        x = self.embed_tokens(tokens)
        for layer in self.layers:
            x = layer(x, self.cos, self.sin, self.mask)
        logits = self.lm_head(self.norm(x))
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1), ignore_index=-100)


def main():
    config = json.loads(sys.argv[1])
    B, T, warmup, steps, threads = (int(a) for a in sys.argv[2:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Llama(config, T)
    for p in model.parameters():
        if p.dim() > 1:
            nn.init.normal_(p, std=0.02)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
    tokens = torch.randint(0, config["vocabSize"], (B, T + 1))
    x, y = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if not math.isfinite(loss.item()):
            raise SystemExit("non-finite loss")
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    print(json.dumps({"stepSeconds": times, "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main()
