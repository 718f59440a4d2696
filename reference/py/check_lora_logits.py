"""Oracle for unmerged LoRA at inference: the Hugging Face base directory and PEFT adapter directories written by
test/model/inference/loraOracleModel.ts, read with plain numpy/struct (no transformers, no peft), run through a
straightforward numpy LLaMA in float64 (check_hf_logits.py's PyTorch model, in numpy so that it runs where torch
is not installed) where every adapted linear computes
    y = x W^T + scaling * (x A^T) B^T,   scaling = lora_alpha / r, or lora_alpha / sqrt(r) with use_rslora
(PEFT's LoraLayer.forward with dropout off). Writes the logits at every position of a fixed token sequence for
each adapter, for test/model/inference/LoraAdapter.test.ts.

  npx tsx test/model/inference/loraOracleModel.ts /tmp/lora-oracle
  /usr/bin/python3 reference/py/check_lora_logits.py \
      /tmp/lora-oracle test/fixtures/inference/lora_logits.json
"""
import json
import math
import re
import sys

import numpy as np
from safetensors_f64 import read_safetensors

TOKENS = [1, 5, 17, 42, 88, 3, 60, 61, 7, 96, 30]  # oracleTokens in hfOracleModel.ts
ADAPTERS = ["all7", "qvdown"]  # ORACLE_ADAPTERS in loraOracleModel.ts




def read_adapter(adapter_dir):
    cfg = json.load(open(f"{adapter_dir}/adapter_config.json"))
    assert cfg["peft_type"] == "LORA" and not cfg.get("use_dora") and not cfg.get("fan_in_fan_out")
    r, alpha = cfg["r"], cfg["lora_alpha"]
    scaling = alpha / math.sqrt(r) if cfg.get("use_rslora") else alpha / r
    lora = {}
    for name, t in read_safetensors(f"{adapter_dir}/adapter_model.safetensors").items():
        m = re.fullmatch(r"base_model\.model\.(.+)\.lora_([AB])\.weight", name)
        lora.setdefault(m.group(1), {})[m.group(2)] = t
    return scaling, lora


def logits_of(model_dir, adapter_dir):
    cfg = json.load(open(f"{model_dir}/config.json"))
    w = read_safetensors(f"{model_dir}/model.safetensors")
    scaling, lora = read_adapter(adapter_dir)
    dim, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hs, eps, theta = dim // nh, cfg["rms_norm_eps"], cfg.get("rope_theta", 10000.0)
    T = len(TOKENS)

    def linear(x, module):
        y = x @ w[module + ".weight"].T
        if module in lora:
            y = y + ((x @ lora[module]["A"].T) @ lora[module]["B"].T) * scaling
        return y

    def rms(x, g):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * g

    inv = 1.0 / theta ** (np.arange(0, hs, 2, dtype=np.float64) / hs)
    ang = np.outer(np.arange(T, dtype=np.float64), inv)
    cos, sin = np.concatenate([np.cos(ang)] * 2, -1), np.concatenate([np.sin(ang)] * 2, -1)

    def rope(x):  # (heads, T, hs), rotate-half as in transformers' LlamaRotaryEmbedding
        x1, x2 = x[..., : hs // 2], x[..., hs // 2:]
        return x * cos + np.concatenate([-x2, x1], -1) * sin

    def softmax(z):
        e = np.exp(z - z.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    def heads(y, n):  # (T, n * hs) -> (n, T, hs)
        return y.reshape(T, n, hs).transpose(1, 0, 2)

    x = w["model.embed_tokens.weight"][TOKENS]
    mask = np.triu(np.full((T, T), -np.inf), 1)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms(x, w[p + "input_layernorm.weight"])
        q = rope(heads(linear(h, p + "self_attn.q_proj"), nh))
        k = rope(heads(linear(h, p + "self_attn.k_proj"), nkv))
        v = heads(linear(h, p + "self_attn.v_proj"), nkv)
        k, v = np.repeat(k, nh // nkv, 0), np.repeat(v, nh // nkv, 0)
        att = softmax(q @ k.transpose(0, 2, 1) / hs ** 0.5 + mask) @ v
        x = x + linear(att.transpose(1, 0, 2).reshape(T, dim), p + "self_attn.o_proj")
        h = rms(x, w[p + "post_attention_layernorm.weight"])
        g = linear(h, p + "mlp.gate_proj")
        x = x + linear(g / (1 + np.exp(-g)) * linear(h, p + "mlp.up_proj"), p + "mlp.down_proj")
    return rms(x, w["model.norm.weight"]) @ w["lm_head.weight"].T


def main(root, out_path):
    out = {"tokens": TOKENS, "logits": {}}
    for name in ADAPTERS:
        logits = logits_of(f"{root}/base", f"{root}/{name}")
        out["logits"][name] = [[round(float(v), 6) for v in row] for row in logits]
    json.dump(out, open(out_path, "w"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
