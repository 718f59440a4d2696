#!/usr/bin/env python3
"""LoRA oracle: a small LLaMA-2 (2 layers, GQA kv heads = heads / 2) in plain PyTorch with LoRA adapters on all
seven linear layers of every block (q, k, v, o, gate, up, down), base weights frozen, dropout 0. Writes
test/fixtures/lora/lora_state.{json,bin}: the base weights, A and B of every adapter (B initialised non-zero so
that A has a gradient), inputs, targets with some -100, the loss, the gradients of every A and B, and the losses
of 3 AdamW steps on the adapters only. The merged weights W + (alpha/r) B A are written too, to check merging.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 reference/py/make_lora_state.py
Layout: the .json header maps each tensor name to {shape, offset} (offset in float32 elements into the .bin,
little-endian float32); token tensors are stored as float32 holding integers.
"""
import json
import math
import os
import struct

import torch

torch.manual_seed(1234)
torch.set_default_dtype(torch.float32)

DIM, LAYERS, HEADS, KV_HEADS, HIDDEN, VOCAB, EPS, THETA = 32, 2, 4, 2, 64, 61, 1e-5, 10000.0
RANK, ALPHA = 4, 8.0
B, T = 2, 9
HS = DIM // HEADS
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def rms_norm(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w


def rope_tables(t):
    inv = 1.0 / (THETA ** (torch.arange(0, HS, 2, dtype=torch.float32) / HS))
    freqs = torch.outer(torch.arange(t, dtype=torch.float32), inv)
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1, x2 = x[..., : HS // 2], x[..., HS // 2:]
    return torch.cat([-x2, x1], dim=-1)


def shapes():
    out = {"model.embed_tokens.weight": (VOCAB, DIM), "model.norm.weight": (DIM,), "lm_head.weight": (VOCAB, DIM)}
    for l in range(LAYERS):
        p = f"model.layers.{l}."
        out[p + "self_attn.q_proj.weight"] = (DIM, DIM)
        out[p + "self_attn.k_proj.weight"] = (KV_HEADS * HS, DIM)
        out[p + "self_attn.v_proj.weight"] = (KV_HEADS * HS, DIM)
        out[p + "self_attn.o_proj.weight"] = (DIM, DIM)
        out[p + "mlp.gate_proj.weight"] = (HIDDEN, DIM)
        out[p + "mlp.up_proj.weight"] = (HIDDEN, DIM)
        out[p + "mlp.down_proj.weight"] = (DIM, HIDDEN)
        out[p + "input_layernorm.weight"] = (DIM,)
        out[p + "post_attention_layernorm.weight"] = (DIM,)
    return out


base = {}
for name, shape in shapes().items():
    base[name] = torch.ones(shape) + 0.1 * torch.randn(shape) if name.endswith("norm.weight") else 0.1 * torch.randn(shape)

# PEFT names: base_model.model.<module>.lora_A.weight (r, in) and lora_B.weight (out, r).
lora = {}
for name, shape in shapes().items():
    module = name[: -len(".weight")]
    if module.split(".")[-1] in TARGETS:
        out_f, in_f = shape
        lora[f"base_model.model.{module}.lora_A.weight"] = (0.2 * torch.randn(RANK, in_f)).requires_grad_()
        lora[f"base_model.model.{module}.lora_B.weight"] = (0.2 * torch.randn(out_f, RANK)).requires_grad_()

SCALE = ALPHA / RANK
# Snapshot before the AdamW steps below update the adapters in place.
initial_lora = {n: p.detach().clone() for n, p in lora.items()}


def linear(x, module, weight):
    y = x @ weight.T
    a = lora.get(f"base_model.model.{module}.lora_A.weight")
    if a is not None:
        b = lora[f"base_model.model.{module}.lora_B.weight"]
        y = y + SCALE * ((x @ a.T) @ b.T)
    return y


def forward(tokens, targets):
    x = base["model.embed_tokens.weight"][tokens]
    cos, sin = rope_tables(T)
    mask = torch.full((T, T), float("-inf")).triu(1)
    for l in range(LAYERS):
        p = f"model.layers.{l}."
        h = rms_norm(x, base[p + "input_layernorm.weight"])
        q = linear(h, p + "self_attn.q_proj", base[p + "self_attn.q_proj.weight"]).view(B, T, HEADS, HS).transpose(1, 2)
        k = linear(h, p + "self_attn.k_proj", base[p + "self_attn.k_proj.weight"]).view(B, T, KV_HEADS, HS).transpose(1, 2)
        v = linear(h, p + "self_attn.v_proj", base[p + "self_attn.v_proj.weight"]).view(B, T, KV_HEADS, HS).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(HEADS // KV_HEADS, dim=1)
        v = v.repeat_interleave(HEADS // KV_HEADS, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(HS) + mask
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, DIM)
        x = x + linear(o, p + "self_attn.o_proj", base[p + "self_attn.o_proj.weight"])
        h = rms_norm(x, base[p + "post_attention_layernorm.weight"])
        g = linear(h, p + "mlp.gate_proj", base[p + "mlp.gate_proj.weight"])
        u = linear(h, p + "mlp.up_proj", base[p + "mlp.up_proj.weight"])
        x = x + linear(torch.nn.functional.silu(g) * u, p + "mlp.down_proj", base[p + "mlp.down_proj.weight"])
    logits = rms_norm(x, base["model.norm.weight"]) @ base["lm_head.weight"].T
    return logits, torch.nn.functional.cross_entropy(logits.view(-1, VOCAB), targets.view(-1), ignore_index=-100)


tokens = torch.randint(0, VOCAB, (B, T))
targets = torch.randint(0, VOCAB, (B, T))
targets[0, :3] = -100  # a masked prompt
targets[1, 5] = -100

logits, loss = forward(tokens, targets)
loss.backward()
grads = {f"grad.{n}": p.grad.detach().clone() for n, p in lora.items()}

merged = {}
for name in shapes():
    module = name[: -len(".weight")]
    a = lora.get(f"base_model.model.{module}.lora_A.weight")
    merged[f"merged.{name}"] = base[name] + (SCALE * (lora[f"base_model.model.{module}.lora_B.weight"] @ a) if a is not None else 0)

LR, STEPS = 1e-2, 3
opt = torch.optim.AdamW(list(lora.values()), lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
for p in lora.values():
    p.grad = None
losses = []
for _ in range(STEPS):
    opt.zero_grad()
    _, step_loss = forward(tokens, targets)
    step_loss.backward()
    opt.step()
    losses.append(step_loss.item())

tensors = {**{n: t for n, t in base.items()}, **initial_lora, **grads, **merged,
           "tokens": tokens.float(), "targets": targets.float(), "logits": logits.detach()}
header = {"config": {"dim": DIM, "nLayers": LAYERS, "nHeads": HEADS, "nKvHeads": KV_HEADS, "hiddenDim": HIDDEN,
                     "vocabSize": VOCAB, "normEps": EPS, "ropeTheta": THETA, "maxSeqLen": T, "tieEmbeddings": False},
          "lora": {"r": RANK, "alpha": ALPHA, "targetModules": TARGETS, "dropout": 0.0},
          "batch": {"B": B, "T": T}, "loss": loss.item(), "adamw": {"lr": LR, "betas": [0.9, 0.999], "eps": 1e-8, "weightDecay": 0.0},
          "stepLosses": losses, "torch": torch.__version__, "tensors": {}}
out_dir = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "lora")
os.makedirs(out_dir, exist_ok=True)
offset = 0
with open(os.path.join(out_dir, "lora_state.bin"), "wb") as f:
    for name, t in tensors.items():
        flat = t.detach().contiguous().view(-1).tolist()
        header["tensors"][name] = {"shape": list(t.shape), "offset": offset}
        f.write(struct.pack(f"<{len(flat)}f", *flat))
        offset += len(flat)
with open(os.path.join(out_dir, "lora_state.json"), "w") as f:
    json.dump(header, f, indent=1)
print("loss", loss.item(), "steps", losses, "floats", offset)
