#!/usr/bin/env python3
"""RoPE scaling oracle: the inverse frequencies and cos/sin tables of Hugging Face transformers'
modeling_rope_utils (default, linear, dynamic, llama3), written here in PyTorch float32 from those definitions,
for LLaMA-3-like settings (rope_theta 500000, head sizes 8..128) and LLaMA-2's (10000).

Run: /usr/bin/python3 reference/py/make_rope_scaling_cases.py
Writes test/fixtures/rope/rope_scaling_cases.json.
"""
import json
import math
import os

import torch

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "rope", "rope_scaling_cases.json")


def default_inv_freq(base, dim):
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(torch.float) / dim))


def inv_freq_of(case, seq_len):
    dim = case["headDim"]
    base = case["ropeTheta"]
    s = case.get("ropeScaling")
    if s is None:
        return default_inv_freq(base, dim)
    if s["type"] == "linear":
        return default_inv_freq(base, dim) / s["factor"]
    if s["type"] == "dynamic":
        max_pos = case["maxSeqLen"]
        seq_len = seq_len if seq_len > max_pos else max_pos
        base = base * ((s["factor"] * seq_len / max_pos) - (s["factor"] - 1)) ** (dim / (dim - 2))
        return default_inv_freq(base, dim)
    if s["type"] == "llama3":
        inv_freq = default_inv_freq(base, dim)
        factor, low, high, old = s["factor"], s["lowFreqFactor"], s["highFreqFactor"], s["originalMaxPositionEmbeddings"]
        low_wavelen = old / low
        high_wavelen = old / high
        wavelen = 2 * math.pi / inv_freq
        scaled = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        return torch.where(medium, smoothed, scaled)
    raise ValueError(s["type"])


cases = [
    {"name": "llama2 default", "headDim": 128, "ropeTheta": 10000.0, "maxSeqLen": 4096},
    {"name": "llama3 theta 500000", "headDim": 128, "ropeTheta": 500000.0, "maxSeqLen": 8192},
    {"name": "llama3.1 scaling (8B)", "headDim": 128, "ropeTheta": 500000.0, "maxSeqLen": 131072,
     "ropeScaling": {"type": "llama3", "factor": 8.0, "lowFreqFactor": 1.0, "highFreqFactor": 4.0, "originalMaxPositionEmbeddings": 8192}},
    {"name": "llama3.2 scaling", "headDim": 64, "ropeTheta": 500000.0, "maxSeqLen": 131072,
     "ropeScaling": {"type": "llama3", "factor": 32.0, "lowFreqFactor": 1.0, "highFreqFactor": 4.0, "originalMaxPositionEmbeddings": 8192}},
    {"name": "tiny llama3 scaling (model fixtures)", "headDim": 8, "ropeTheta": 500000.0, "maxSeqLen": 64,
     "ropeScaling": {"type": "llama3", "factor": 8.0, "lowFreqFactor": 1.0, "highFreqFactor": 4.0, "originalMaxPositionEmbeddings": 16}},
    {"name": "linear x4", "headDim": 64, "ropeTheta": 10000.0, "maxSeqLen": 16384, "ropeScaling": {"type": "linear", "factor": 4.0}},
    {"name": "dynamic x2 inside the context", "headDim": 64, "ropeTheta": 10000.0, "maxSeqLen": 4096, "ropeScaling": {"type": "dynamic", "factor": 2.0}},
    {"name": "dynamic x2 at twice the context", "headDim": 64, "ropeTheta": 10000.0, "maxSeqLen": 4096, "seqLen": 8192, "ropeScaling": {"type": "dynamic", "factor": 2.0}},
]
positions = [0, 1, 7, 63, 1000, 8191, 100000]
for case in cases:
    inv = inv_freq_of(case, case.get("seqLen", case["maxSeqLen"]))
    case["invFreq"] = inv.tolist()
    pos = torch.tensor([p for p in positions if p < max(case["maxSeqLen"], case.get("seqLen", 0))], dtype=torch.float)
    angles = pos[:, None] * inv[None, :]
    case["positions"] = [int(p) for p in pos.tolist()]
    case["cos"] = angles.cos().tolist()
    case["sin"] = angles.sin().tolist()
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    json.dump({"generator": "reference/py/make_rope_scaling_cases.py", "torch": torch.__version__, "cases": cases}, f)
print(f"{len(cases)} cases -> {out}")
