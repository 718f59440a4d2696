#!/usr/bin/env python3
"""LLaMA-2 model oracle (llm.c's test_gpt2 pattern): a small LLaMA in plain PyTorch float32 that mirrors Hugging
Face's LlamaForCausalLM math (RMSNorm, rotate-half RoPE, GQA with repeat_kv, SwiGLU MLP, causal softmax attention
scaled by 1/sqrt(head size), cross-entropy with ignore_index -100 averaged over the non-ignored targets).
2 layers, kv heads = heads / 2, written once with untied and once with tied embeddings.

Writes test/fixtures/model/llama_state_{untied,tied}.{json,bin}:
  .bin   little-endian float32, tensors back to back;
  .json  {version, config (mellama LlamaConfig fields), B, T, K, train (hyperparameters), loss, stepLosses,
          finalLoss, gradNorms, lrs, tensors: {name: {shape, offset}}} with offset in float32 elements.
Tensor names: "param:<HF name>" (initial weights), "grad:<HF name>" (gradient of the mean loss of micro-batch 0),
"tokens:<i>" and "targets:<i>" for micro-batch i (integers stored as float32), "logits" (micro-batch 0, (B, T, V)).
Training: 5 AdamW steps (betas 0.9/0.95, eps 1e-8, weight decay on linear weights only), each over K = 2
micro-batches with loss / K accumulated (HF Trainer), clip_grad_norm_(1.0), and HF's cosine schedule with warmup
(total 10 steps, warmup ratio 0.2 -> 2 warmup steps, so step 0 runs at lr 0 as in HF). stepLosses[s] is the mean
micro-batch loss of step s before its update; finalLoss the loss of micro-batch 0 after the 5 updates.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 reference/py/make_llama_state.py
"""
import json
import math
import os

import torch

DIM, LAYERS, HEADS, KV_HEADS, HIDDEN, VOCAB, MAX_SEQ, EPS, THETA = 32, 2, 4, 2, 64, 61, 16, 1e-5, 10000.0
HS = DIM // HEADS
B, T, K = 2, 12, 2
LR, BETAS, ADAM_EPS, WD, MAX_NORM, TOTAL, WARMUP_RATIO, STEPS = 1e-2, (0.9, 0.95), 1e-8, 0.1, 1.0, 10, 0.2, 5
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "model")


def rms_norm(x, w):
    # HF LlamaRMSNorm in float32.
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS))


def rope_tables(t):
    inv = 1.0 / (THETA ** (torch.arange(0, HS, 2, dtype=torch.int64).float() / HS))
    freqs = torch.outer(torch.arange(t, dtype=torch.float32), inv)
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    return torch.cat([-x[..., HS // 2:], x[..., : HS // 2]], dim=-1)


def repeat_kv(x, n_rep):
    b, nkv, t, hs = x.shape
    return x[:, :, None, :, :].expand(b, nkv, n_rep, t, hs).reshape(b, nkv * n_rep, t, hs)


def shapes(tied):
    out = {"model.embed_tokens.weight": (VOCAB, DIM)}
    for l in range(LAYERS):
        p = f"model.layers.{l}."
        out[p + "input_layernorm.weight"] = (DIM,)
        out[p + "self_attn.q_proj.weight"] = (DIM, DIM)
        out[p + "self_attn.k_proj.weight"] = (KV_HEADS * HS, DIM)
        out[p + "self_attn.v_proj.weight"] = (KV_HEADS * HS, DIM)
        out[p + "self_attn.o_proj.weight"] = (DIM, DIM)
        out[p + "post_attention_layernorm.weight"] = (DIM,)
        out[p + "mlp.gate_proj.weight"] = (HIDDEN, DIM)
        out[p + "mlp.up_proj.weight"] = (HIDDEN, DIM)
        out[p + "mlp.down_proj.weight"] = (DIM, HIDDEN)
    out["model.norm.weight"] = (DIM,)
    if not tied:
        out["lm_head.weight"] = (VOCAB, DIM)
    return out


def forward(w, tokens, tied):
    x = w["model.embed_tokens.weight"][tokens]
    cos, sin = rope_tables(T)
    mask = torch.full((T, T), float("-inf")).triu(1)
    for l in range(LAYERS):
        p = f"model.layers.{l}."
        h = rms_norm(x, w[p + "input_layernorm.weight"])
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(B, T, HEADS, HS).transpose(1, 2)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(B, T, KV_HEADS, HS).transpose(1, 2)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(B, T, KV_HEADS, HS).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = repeat_kv(k, HEADS // KV_HEADS)
        v = repeat_kv(v, HEADS // KV_HEADS)
        att = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(HS) + mask, dim=-1, dtype=torch.float32)
        o = (att @ v).transpose(1, 2).reshape(B, T, DIM)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"])
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"])
    head = w["model.embed_tokens.weight"] if tied else w["lm_head.weight"]
    return x @ head.T


def loss_of(logits, targets):
    return torch.nn.functional.cross_entropy(logits.view(-1, VOCAB), targets.view(-1), ignore_index=-100)


def lr_lambda(step):
    # transformers.get_cosine_schedule_with_warmup with warmup = ceil(total * ratio).
    warmup = math.ceil(TOTAL * WARMUP_RATIO)
    if step < warmup:
        return step / max(1, warmup)
    progress = (step - warmup) / max(1, TOTAL - warmup)
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))


def build(tied, seed):
    torch.manual_seed(seed)
    w = {}
    for name, shape in shapes(tied).items():
        if name.endswith("norm.weight"):
            w[name] = (torch.ones(shape) + 0.1 * torch.randn(shape)).requires_grad_()
        else:
            w[name] = (0.15 * torch.randn(shape)).requires_grad_()
    batches = []
    for _ in range(K):
        tokens = torch.randint(0, VOCAB, (B, T))
        targets = torch.randint(0, VOCAB, (B, T))
        targets[torch.rand(B, T) < 0.25] = -100
        targets[0, 0] = -100
        batches.append((tokens, targets))
    tensors = {}

    def put(name, t):
        tensors[name] = t.detach().to(torch.float32).contiguous().clone()

    for name, t in w.items():
        put("param:" + name, t)
    for i, (tokens, targets) in enumerate(batches):
        put(f"tokens:{i}", tokens.float())
        put(f"targets:{i}", targets.float())
    logits = forward(w, batches[0][0], tied)
    loss = loss_of(logits, batches[0][1])
    loss.backward()
    put("logits", logits)
    for name, t in w.items():
        put("grad:" + name, t.grad)
        t.grad = None

    decay = [t for n, t in w.items() if n.endswith("proj.weight") or n == "lm_head.weight"]
    no_decay = [t for n, t in w.items() if not (n.endswith("proj.weight") or n == "lm_head.weight")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=LR, betas=BETAS, eps=ADAM_EPS)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    step_losses, grad_norms, lrs = [], [], []
    for _ in range(STEPS):
        opt.zero_grad()
        total = 0.0
        for tokens, targets in batches:
            l = loss_of(forward(w, tokens, tied), targets)
            (l / K).backward()
            total += l.item()
        norm = torch.nn.utils.clip_grad_norm_(list(w.values()), MAX_NORM)
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
        step_losses.append(total / K)
        grad_norms.append(norm.item())
    with torch.no_grad():
        final = loss_of(forward(w, batches[0][0], tied), batches[0][1]).item()

    stem = os.path.join(OUT, f"llama_state_{'tied' if tied else 'untied'}")
    header = {
        "version": 1,
        "generator": "reference/py/make_llama_state.py",
        "torch": torch.__version__,
        "config": {"dim": DIM, "nLayers": LAYERS, "nHeads": HEADS, "nKvHeads": KV_HEADS, "hiddenDim": HIDDEN,
                   "vocabSize": VOCAB, "maxSeqLen": MAX_SEQ, "normEps": EPS, "ropeTheta": THETA, "tieEmbeddings": tied},
        "B": B, "T": T, "K": K,
        "train": {"maxLr": LR, "beta1": BETAS[0], "beta2": BETAS[1], "eps": ADAM_EPS, "weightDecay": WD,
                  "maxGradNorm": MAX_NORM, "totalSteps": TOTAL, "warmupRatio": WARMUP_RATIO, "steps": STEPS},
        "loss": loss.item(), "stepLosses": step_losses, "finalLoss": final, "gradNorms": grad_norms, "lrs": lrs,
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
    print(stem, "loss", loss.item(), "steps", step_losses, "final", final, "norms", grad_norms, "lrs", lrs)


if __name__ == "__main__":
    torch.set_num_threads(1)
    build(tied=False, seed=20240)
    build(tied=True, seed=20241)
