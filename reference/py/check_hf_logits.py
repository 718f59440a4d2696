"""Oracle: a Hugging Face LLaMA directory written by mellama, read with plain numpy/struct (no transformers), run
through a straightforward PyTorch LLaMA (RMSNorm, rotate-half RoPE, GQA, SwiGLU), float64. Writes the logits at
every position of a fixed token sequence, for test/model/inference/hfLogits.test.ts.

  npx tsx test/model/inference/hfOracleModel.ts /tmp/hf-oracle
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 reference/py/check_hf_logits.py \
      /tmp/hf-oracle test/fixtures/inference/hf_logits.json
"""
import json
import sys

import numpy as np
from safetensors_f64 import read_safetensors as read_f64
import torch

TOKENS = [1, 5, 17, 42, 88, 3, 60, 61, 7, 96, 30]  # must match oracleTokens in hfOracleModel.ts


def read_safetensors(path):
    return {k: torch.from_numpy(v) for k, v in read_f64(path).items()}


def main(model_dir, out_path):
    cfg = json.load(open(f"{model_dir}/config.json"))
    w = read_safetensors(f"{model_dir}/model.safetensors")
    dim, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hs, eps, theta = dim // nh, cfg["rms_norm_eps"], cfg.get("rope_theta", 10000.0)
    T = len(TOKENS)

    def rms(x, g):
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * g

    inv = 1.0 / theta ** (torch.arange(0, hs, 2, dtype=torch.float64) / hs)
    ang = torch.outer(torch.arange(T, dtype=torch.float64), inv)
    cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)

    def rope(x):  # (heads, T, hs), rotate-half as in transformers' LlamaRotaryEmbedding
        x1, x2 = x[..., : hs // 2], x[..., hs // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    x = w["model.embed_tokens.weight"][TOKENS]
    mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms(x, w[p + "input_layernorm.weight"])
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(T, nh, hs).transpose(0, 1)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(T, nkv, hs).transpose(0, 1)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(T, nkv, hs).transpose(0, 1)
        q, k = rope(q), rope(k)
        k, v = k.repeat_interleave(nh // nkv, 0), v.repeat_interleave(nh // nkv, 0)
        att = torch.softmax(q @ k.transpose(1, 2) / hs ** 0.5 + mask, -1) @ v
        x = x + att.transpose(0, 1).reshape(T, dim) @ w[p + "self_attn.o_proj.weight"].T
        h = rms(x, w[p + "post_attention_layernorm.weight"])
        g = h @ w[p + "mlp.gate_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * (h @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
    logits = rms(x, w["model.norm.weight"]) @ w["lm_head.weight"].T
    json.dump({"tokens": TOKENS, "weightSum": float(sum(t.sum() for t in w.values())),
               "logits": [[round(float(v), 7) for v in row] for row in logits]}, open(out_path, "w"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
