#!/usr/bin/env python3
"""Packed-row oracle: the tiny LLaMA of make_llama_state.py (same math, same dimensions, untied, GQA) over rows
that each hold several examples, computed the way Hugging Face models compute packed rows with `position_ids` and
a 4D block-diagonal attention mask (LLaMA-Factory's neat_packing): RoPE at each token's position within its own
example (restarting at 0), and attention allowed only from a query to earlier keys of the same example.
The loss is cross-entropy with ignore_index -100 averaged over the non-ignored targets of the whole batch.

Before writing, the script checks its own packed forward against the same examples run one at a time, each in
its own right-padded row with plain causal attention: the summed losses and the summed gradients agree to float32
rounding (asserted here), so the fixture is that of "each example alone" as much as of the packed formula.

Writes test/fixtures/model/llama_state_packed.{json,bin} in make_llama_state.py's layout:
  .json {version, generator, torch, config, B, T, loss, lossSum, validTargets, tensors: {name: {shape, offset}}}
  tensors "param:<HF name>", "grad:<HF name>" (gradient of the mean loss), "tokens", "targets", "positions"
  (integers stored as float32), "logits" (B, T, V).

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 reference/py/make_packed_state.py
"""
import json
import math
import os

import torch

import make_llama_state as base

DIM, LAYERS, HEADS, KV_HEADS, VOCAB = base.DIM, base.LAYERS, base.HEADS, base.KV_HEADS, base.VOCAB
HS = base.HS
B, T = 2, 16
# Example lengths (input positions) per row; the rest of a row is padding (token 0, no loss, its own segment).
ROWS = [[5, 1, 7], [9, 4]]
OUT = base.OUT


def forward(w, tokens, positions):
    """Packed forward: positions (B, T) restart at 0 per example; a query sees earlier keys of its example only."""
    b, t = tokens.shape
    x = w["model.embed_tokens.weight"][tokens]
    cos_t, sin_t = base.rope_tables(base.MAX_SEQ)
    cos = cos_t[positions][:, None, :, :]  # (B, 1, T, HS)
    sin = sin_t[positions][:, None, :, :]
    segment = torch.cumsum((positions == 0).long(), dim=1)  # (B, T): example number within the row
    same = segment[:, :, None] == segment[:, None, :]
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    mask = torch.zeros(b, 1, t, t).masked_fill(~(same & causal)[:, None], float("-inf"))
    for l in range(LAYERS):
        p = f"model.layers.{l}."
        h = base.rms_norm(x, w[p + "input_layernorm.weight"])
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(b, t, HEADS, HS).transpose(1, 2)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(b, t, KV_HEADS, HS).transpose(1, 2)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(b, t, KV_HEADS, HS).transpose(1, 2)
        q = q * cos + base.rotate_half(q) * sin
        k = k * cos + base.rotate_half(k) * sin
        k = base.repeat_kv(k, HEADS // KV_HEADS)
        v = base.repeat_kv(v, HEADS // KV_HEADS)
        att = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(HS) + mask, dim=-1, dtype=torch.float32)
        o = (att @ v).transpose(1, 2).reshape(b, t, DIM)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = base.rms_norm(x, w[p + "post_attention_layernorm.weight"])
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = base.rms_norm(x, w["model.norm.weight"])
    return x @ w["lm_head.weight"].T


def loss_sum(logits, targets):
    return torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1), ignore_index=-100,
                                             reduction="sum")


def main():
    torch.manual_seed(20250)
    w = {}
    for name, shape in base.shapes(False).items():
        if name.endswith("norm.weight"):
            w[name] = (torch.ones(shape) + 0.1 * torch.randn(shape)).requires_grad_()
        else:
            w[name] = (0.15 * torch.randn(shape)).requires_grad_()
    tokens = torch.zeros(B, T, dtype=torch.long)
    targets = torch.full((B, T), -100, dtype=torch.long)
    positions = torch.zeros(B, T, dtype=torch.long)
    examples = []  # (row, start, length)
    for r, lengths in enumerate(ROWS):
        col = 0
        for n in lengths:
            tokens[r, col:col + n] = torch.randint(1, VOCAB, (n,))
            tgt = torch.randint(0, VOCAB, (n,))
            tgt[torch.rand(n) < 0.3] = -100  # a prompt-like masked part
            tgt[n - 1] = torch.randint(0, VOCAB, ())  # every example learns its last target
            targets[r, col:col + n] = tgt
            positions[r, col:col + n] = torch.arange(n)
            examples.append((r, col, n))
            col += n
        positions[r, col:] = torch.arange(T - col)  # the padding segment
    valid = int((targets != -100).sum())

    logits = forward(w, tokens, positions)
    total = loss_sum(logits, targets)
    (total / valid).backward()
    grads = {n: t.grad.clone() for n, t in w.items()}
    for t in w.values():
        t.grad = None

    # Each example alone, right-padded in a row of T with plain causal attention (positions 0..T-1).
    alone_total = 0.0
    for r, col, n in examples:
        tk = torch.zeros(1, T, dtype=torch.long)
        tg = torch.full((1, T), -100, dtype=torch.long)
        tk[0, :n] = tokens[r, col:col + n]
        tg[0, :n] = targets[r, col:col + n]
        l = loss_sum(forward(w, tk, torch.arange(T)[None, :]), tg)
        (l / valid).backward()
        alone_total += l.item()
    assert abs(alone_total - total.item()) <= 1e-5 * abs(total.item()), (alone_total, total.item())
    for n, t in w.items():
        err = (t.grad - grads[n]).abs().max().item() / max(1e-6, grads[n].abs().max().item())
        assert err < 1e-5, (n, err)

    tensors = {}

    def put(name, t):
        tensors[name] = t.detach().to(torch.float32).contiguous().clone()

    for name, t in w.items():
        put("param:" + name, t)
    put("tokens", tokens.float())
    put("targets", targets.float())
    put("positions", positions.float())
    put("logits", logits)
    for name, g in grads.items():
        put("grad:" + name, g)
    stem = os.path.join(OUT, "llama_state_packed")
    header = {
        "version": 1,
        "generator": "reference/py/make_packed_state.py",
        "torch": torch.__version__,
        "config": {"dim": DIM, "nLayers": LAYERS, "nHeads": HEADS, "nKvHeads": KV_HEADS, "hiddenDim": base.HIDDEN,
                   "vocabSize": VOCAB, "maxSeqLen": base.MAX_SEQ, "normEps": base.EPS, "ropeTheta": base.THETA,
                   "tieEmbeddings": False},
        "B": B, "T": T, "rows": ROWS, "loss": total.item() / valid, "lossSum": total.item(), "validTargets": valid,
        "tensors": {},
    }
    offset = 0
    with open(stem + ".bin", "wb") as f:
        for name, t in tensors.items():
            header["tensors"][name] = {"shape": list(t.shape), "offset": offset}
            f.write(t.numpy().astype("<f4").tobytes())
            offset += t.numel()
    with open(stem + ".json", "w") as f:
        json.dump(header, f, indent=1)
        f.write("\n")
    print(stem, "loss", total.item() / valid, "valid", valid, "alone sum", alone_total, "packed sum", total.item())


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
