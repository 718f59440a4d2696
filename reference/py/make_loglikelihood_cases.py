#!/usr/bin/env python3
"""Oracle for log-likelihood scoring (multiple choice and rolling perplexity), written from lm-evaluation-harness's
definitions and run with plain PyTorch (float64) and python3-sentencepiece:

- loglikelihood: _encode_pair (trailing whitespace of the context moves to the continuation; whole =
  encode(context + continuation), continuation tokens = whole[len(encode(context)):], BOS prepended to both
  encodings), input = (context + continuation)[-(max_len + 1):][:-1], log p = sum of log_softmax over the rows that
  predict the continuation, is_greedy = every target is its row's argmax.
- multiple choice: acc = argmax(lls) == gold, acc_norm = argmax(lls / len(choice)) == gold (len in code points of
  the choice without the target delimiter), np.argmax's first-index ties.
- loglikelihood_rolling: get_rolling_token_windows(tokens (no BOS), prefix_token=BOS, max_seq_len=max_len,
  context_len=1) mapped through make_disjoint_window, each window scored as a loglikelihood request; word
  perplexity exp(-sum ll / sum words) with words = len(re.split(r"\\s+", text)), byte perplexity over UTF-8 bytes,
  bits_per_byte = -sum ll / sum bytes / ln 2.

The model is the HF directory written by test/eval/scoring/scoringOracleModel.ts:
  npx tsx test/eval/scoring/scoringOracleModel.ts /tmp/scoring-oracle
  /usr/bin/python3 reference/py/make_loglikelihood_cases.py /tmp/scoring-oracle test/fixtures/eval/scoring/loglikelihood_cases.json
"""
import json
import math
import re
import sys

import numpy as np
from safetensors_f64 import read_safetensors as read_f64
import sentencepiece as spm
import torch

MC_CASES = [
    {"context": "Question: is aspirin a nonsteroidal anti-inflammatory drug? Answer:", "choices": ["yes", "no", "maybe"], "gold": 0},
    {"context": "Can you tell me if the following statement is correct?\nThe answer is:\n", "choices": ["yes", "no", "maybe"], "gold": 2},
    {"context": "A 45-year-old man presents with chest pain radiating to the left arm and sweating for two hours. "
                "The most likely diagnosis is", "choices": ["myocardial infarction", "gastritis", "anxiety", "pulmonary embolism"], "gold": 0},
    {"context": "Which option is correct? Answer from A to E.\nAnswer:", "choices": ["A", "B", "C", "D", "E"], "gold": 3},
    {"context": "The interaction type between the drugs is", "choices": ["mechanism", "effect", "advise", "int", "none"], "gold": 4},
    {"context": "Premise: the patient is febrile. Hypothesis: the patient has a fever. Relation:", "choices": ["entailment", "contradiction", "neutral"], "gold": 0},
    {"context": "Le patient boit du", "choices": ["café", "thé"], "gold": 1},
    {"context": "Fever? Answer:", "choices": ["yes", "no"], "gold": 0},
    {"context": "Severity:\n", "choices": ["none", "mild", "severe"], "gold": 1},
]

ROLLING_TEXTS = [
    "The patient has a fever.",
    "History of present illness: a 62-year-old woman with hypertension and type 2 diabetes presents with three days of "
    "worsening shortness of breath, orthopnea and bilateral leg swelling. She denies chest pain. Examination shows "
    "jugular venous distension and crackles at both lung bases.",
    " = Heading = \n\n The museum opened in 1902 and  holds   paintings, café menus and maps. ",
]


def read_safetensors(path):
    return {k: torch.from_numpy(v) for k, v in read_f64(path).items()}


class Model:
    def __init__(self, model_dir):
        self.cfg = json.load(open(f"{model_dir}/config.json"))
        self.w = read_safetensors(f"{model_dir}/model.safetensors")

    def log_softmax_rows(self, tokens):
        """log_softmax of the logits at every position of `tokens` (a causal LLaMA, HF's math), (T, V)."""
        cfg, w = self.cfg, self.w
        dim, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
        hs, eps, theta = dim // nh, cfg["rms_norm_eps"], cfg.get("rope_theta", 10000.0)
        T = len(tokens)

        def rms(x, g):
            return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * g

        inv = 1.0 / theta ** (torch.arange(0, hs, 2, dtype=torch.float64) / hs)
        ang = torch.outer(torch.arange(T, dtype=torch.float64), inv)
        cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)

        def rope(x):
            x1, x2 = x[..., : hs // 2], x[..., hs // 2:]
            return x * cos + torch.cat([-x2, x1], -1) * sin

        x = w["model.embed_tokens.weight"][tokens]
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
        return torch.log_softmax(logits, -1)


def score(model, max_len, context_enc, continuation_enc):
    """lm-eval HFLM._loglikelihood_tokens for one request."""
    full = (context_enc + continuation_enc)[-(max_len + 1):]
    inp = full[:-1]
    cont_len = min(len(continuation_enc), len(inp))
    targets = full[len(full) - cont_len:]
    rows = model.log_softmax_rows(inp)[len(inp) - cont_len:]
    ll = float(sum(rows[i, t] for i, t in enumerate(targets)))
    greedy = bool(all(int(rows[i].argmax()) == t for i, t in enumerate(targets)))
    return ll, greedy, len(full) < len(context_enc) + len(continuation_enc)


def encode_pair(sp, context, continuation):
    n_spaces = len(context) - len(context.rstrip())
    if n_spaces > 0:
        continuation = context[-n_spaces:] + continuation
        context = context[:-n_spaces]
    bos = sp.bos_id()
    whole = [bos] + sp.encode(context + continuation)
    ctx = [bos] + sp.encode(context)
    return ctx, whole[len(ctx):]


def rolling_windows(token_list, prefix_token, max_seq_len, context_len):
    """get_rolling_token_windows followed by make_disjoint_window."""
    out = []
    if not token_list:
        return out
    pred_len = max_seq_len - context_len + 1
    predicted = 0
    first_seq_len = min(max_seq_len, len(token_list))
    windows = [([prefix_token] + token_list[: first_seq_len - 1], token_list[:first_seq_len])]
    predicted += first_seq_len
    while predicted < len(token_list):
        window_pred_len = min(len(token_list) - predicted, pred_len)
        window_end = predicted + window_pred_len
        windows.append((token_list[window_end - max_seq_len - 1: window_end - 1], token_list[window_end - window_pred_len: window_end]))
        predicted += window_pred_len
    for a, b in windows:
        out.append((a[: len(a) - (len(b) - 1)], b))
    return out


def main(model_dir, out_path):
    model = Model(model_dir)
    sp = spm.SentencePieceProcessor(model_file=f"{model_dir}/tokenizer.model")
    max_len = model.cfg["max_position_embeddings"]
    mc = []
    for case in MC_CASES:
        requests = []
        for choice in case["choices"]:
            ctx, cont = encode_pair(sp, case["context"], " " + choice)
            ll, greedy, truncated = score(model, max_len, ctx, cont)
            requests.append({"contextIds": ctx, "continuationIds": cont, "logprob": ll, "isGreedy": greedy, "truncated": truncated})
        lls = np.array([r["logprob"] for r in requests])
        lens = np.array([float(len(c)) for c in case["choices"]])
        mc.append({**case, "requests": requests, "acc": float(np.argmax(lls) == case["gold"]),
                   "acc_norm": float(np.argmax(lls / lens) == case["gold"])})
    rolling = []
    total_ll = total_words = total_bytes = 0
    for text in ROLLING_TEXTS:
        tokens = sp.encode(text)
        windows = rolling_windows(tokens, sp.bos_id(), max_len, 1)
        ll = sum(score(model, max_len, a, b)[0] for a, b in windows)
        words = len(re.split(r"\s+", text))
        nbytes = len(text.encode("utf-8"))
        rolling.append({"text": text, "tokens": tokens, "windows": [{"context": a, "continuation": b} for a, b in windows],
                        "logprob": ll, "words": words, "bytes": nbytes})
        total_ll, total_words, total_bytes = total_ll + ll, total_words + words, total_bytes + nbytes
    json.dump({
        "version": 1, "maxLen": max_len, "weightSum": float(sum(t.sum() for t in model.w.values())),
        "mc": mc, "mcMeans": {"acc": float(np.mean([c["acc"] for c in mc])), "acc_norm": float(np.mean([c["acc_norm"] for c in mc]))},
        "rolling": rolling,
        "perplexity": {"word_perplexity": math.exp(-total_ll / total_words), "byte_perplexity": math.exp(-total_ll / total_bytes),
                       "bits_per_byte": -total_ll / total_bytes / math.log(2)},
    }, open(out_path, "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
