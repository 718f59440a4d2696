#!/usr/bin/env python3
"""Oracle for BERTScore with a real BERT encoder. Writes a tiny random BERT directory in Hugging Face's layout
(config.json, model.safetensors written with struct, vocab.txt, tokenizer_config.json) and the expected values:

- tokenizer cases: BERT's BasicTokenizer + WordPiece written from the original tokenization.py's rules (clean
  text, CJK spacing, whitespace split, lowercase + NFD accent stripping when uncased, punctuation split, greedy
  longest-match WordPiece with "##", [UNK] for unsegmentable words or words over 100 characters), cased and uncased;
- hidden states of every layer for a few sentences from a plain PyTorch BertModel (float64; embeddings = word +
  position + token type 0, LayerNorm; per layer: self-attention with biases, dense + residual + LayerNorm, exact
  erf GELU feed-forward, dense + residual + LayerNorm);
- BERTScore P/R/F written from the paper and bert-score's greedy_cos_idf: unit rows, similarity matrix, best match
  per token, weights 1 or idf = log((M + 1) / (df + 1)) over the references, [CLS]/[SEP] weight 0 (but present as
  match targets), weighted means, F = 2PR / (P + R); and rescaled with a baseline row (x - b) / (1 - b).

  /usr/bin/python3 reference/py/make_bertscore_cases.py test/fixtures/eval/bertscore
"""
import json
import math
import os
import struct
import sys
import unicodedata

import numpy as np
import torch

HIDDEN, LAYERS, HEADS, INTER, MAXPOS, EPS = 16, 3, 2, 32, 64, 1e-12
LAYER = 2
WORDS = ["the", "patient", "has", "a", "fever", "and", "cough", "no", "acute", "pleural", "effusion", "is", "small",
         "chest", "pain", "left", "arm", "café", "Patient", "The", "##s", "##ing", "##al", "cardio", "##pulmonary",
         "process", ".", ",", "!", "(", ")", "-", "un", "##known", "x", "##ray", "病", "人"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS

TOKENIZER_TEXTS = ["The patient has a fever, and cough!", "  no\tacute\ncardiopulmonary process. ", "Café patients (unknown)",
                   "x-rays: PLEURAL effusions", "病人 has pain", "supercalifragilistic", "a" * 101, "e\u0301 caf\u00e9\u0000"]
PAIRS = [("The patient has a fever.", "The patient has a cough."),
         ("no acute cardiopulmonary process", "small pleural effusion and chest pain"),
         ("left arm pain", "left arm pain"),
         ("fever", "The patient has a fever and cough.")]


def is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokens(text, lower):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")):
            continue
        if ch in " \t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif is_cjk(cp):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    words = []
    for w in "".join(out).split(" "):
        if not w:
            continue
        if lower:
            w = "".join(c for c in unicodedata.normalize("NFD", w.lower()) if unicodedata.category(c) != "Mn")
        cur = ""
        for ch in w:
            if is_punct(ch):
                if cur:
                    words.append(cur)
                words.append(ch)
                cur = ""
            else:
                cur += ch
        if cur:
            words.append(cur)
    return words


def wordpiece(text, lower, vocab):
    ids = []
    for w in basic_tokens(text, lower):
        if len(w) > 100:
            ids.append(vocab["[UNK]"])
            continue
        start, pieces, bad = 0, [], False
        while start < len(w):
            end, cur = len(w), None
            while start < end:
                sub = ("##" if start > 0 else "") + w[start:end]
                if sub in vocab:
                    cur = vocab[sub]
                    break
                end -= 1
            if cur is None:
                bad = True
                break
            pieces.append(cur)
            start = end
        ids.extend([vocab["[UNK]"]] if bad else pieces)
    return ids


def make_weights():
    g = torch.Generator().manual_seed(7)
    r = lambda *shape: (torch.randn(*shape, generator=g, dtype=torch.float64) * 0.4)
    w = {"embeddings.word_embeddings.weight": r(len(VOCAB), HIDDEN), "embeddings.position_embeddings.weight": r(MAXPOS, HIDDEN),
         "embeddings.token_type_embeddings.weight": r(2, HIDDEN),
         "embeddings.LayerNorm.weight": 1 + r(HIDDEN) * 0.2, "embeddings.LayerNorm.bias": r(HIDDEN) * 0.2}
    for l in range(LAYERS):
        p = f"encoder.layer.{l}."
        for n, (o, i) in {"attention.self.query": (HIDDEN, HIDDEN), "attention.self.key": (HIDDEN, HIDDEN), "attention.self.value": (HIDDEN, HIDDEN),
                          "attention.output.dense": (HIDDEN, HIDDEN), "intermediate.dense": (INTER, HIDDEN), "output.dense": (HIDDEN, INTER)}.items():
            w[p + n + ".weight"] = r(o, i)
            w[p + n + ".bias"] = r(o) * 0.5
        for n in ["attention.output.LayerNorm", "output.LayerNorm"]:
            w[p + n + ".weight"] = 1 + r(HIDDEN) * 0.2
            w[p + n + ".bias"] = r(HIDDEN) * 0.2
    # Stored as float32: the oracle computes from the stored (rounded) values.
    return {k: v.float().double() for k, v in w.items()}


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        b = t.float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def hidden_states(w, ids):
    T = len(ids)
    ln = lambda x, p: torch.nn.functional.layer_norm(x, (HIDDEN,), w[p + ".weight"], w[p + ".bias"], EPS)
    lin = lambda x, p: x @ w[p + ".weight"].T + w[p + ".bias"]
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:T] + w["embeddings.token_type_embeddings.weight"][0]
    x = ln(x, "embeddings.LayerNorm")
    states = [x]
    hs = HIDDEN // HEADS
    for l in range(LAYERS):
        p = f"encoder.layer.{l}."
        q = lin(x, p + "attention.self.query").view(T, HEADS, hs).transpose(0, 1)
        k = lin(x, p + "attention.self.key").view(T, HEADS, hs).transpose(0, 1)
        v = lin(x, p + "attention.self.value").view(T, HEADS, hs).transpose(0, 1)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hs), -1) @ v
        x = ln(lin(att.transpose(0, 1).reshape(T, HIDDEN), p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        h = torch.nn.functional.gelu(lin(x, p + "intermediate.dense"))
        x = ln(lin(h, p + "output.dense") + x, p + "output.LayerNorm")
        states.append(x)
    return states


def bertscore(w, vocab, cands, refs, idf, lower):
    enc = lambda s: [vocab["[CLS]"]] + wordpiece(s.strip(), lower, vocab)[:MAXPOS - 2] + [vocab["[SEP]"]]
    M = len(refs)
    df = {}
    for r in refs:
        for t in set(enc(r)):
            df[t] = df.get(t, 0) + 1
    weight = (lambda t: math.log((M + 1) / (df.get(t, 0) + 1))) if idf else (lambda t: 1.0)
    out = []
    for c, r in zip(cands, refs):
        sides = []
        for s in (c, r):
            ids = enc(s)
            e = hidden_states(w, ids)[LAYER]
            e = e / e.norm(dim=-1, keepdim=True)
            wt = torch.tensor([0.0 if t in (vocab["[CLS]"], vocab["[SEP]"]) else weight(t) for t in ids], dtype=torch.float64)
            sides.append((e, wt))
        (ec, wc), (er, wr) = sides
        sim = ec @ er.T
        P = float((sim.max(dim=1)[0] * wc).sum() / wc.sum())
        R = float((sim.max(dim=0)[0] * wr).sum() / wr.sum())
        F = 2 * P * R / (P + R)
        out.append({"P": P, "R": R, "F": F})
    return out


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    model_dir = os.path.join(out_dir, "tiny-bert")
    os.makedirs(model_dir, exist_ok=True)
    vocab = {p: i for i, p in enumerate(VOCAB)}
    w = make_weights()
    write_safetensors(os.path.join(model_dir, "model.safetensors"), w)
    json.dump({"architectures": ["BertModel"], "model_type": "bert", "hidden_size": HIDDEN, "num_hidden_layers": LAYERS,
               "num_attention_heads": HEADS, "intermediate_size": INTER, "max_position_embeddings": MAXPOS, "type_vocab_size": 2,
               "vocab_size": len(VOCAB), "layer_norm_eps": EPS, "hidden_act": "gelu"}, open(os.path.join(model_dir, "config.json"), "w"), indent=1)
    open(os.path.join(model_dir, "vocab.txt"), "w").write("\n".join(VOCAB) + "\n")
    json.dump({"do_lower_case": True}, open(os.path.join(model_dir, "tokenizer_config.json"), "w"))
    tokenizer_cases = [{"text": t, "lowercase": lower, "ids": wordpiece(t, lower, vocab)} for t in TOKENIZER_TEXTS for lower in (True, False)]
    sentences = [p[0] for p in PAIRS[:2]]
    states = []
    for s in sentences:
        ids = [vocab["[CLS]"]] + wordpiece(s, True, vocab) + [vocab["[SEP]"]]
        states.append({"ids": ids, "layers": [[round(float(v), 9) for v in st.flatten()] for st in hidden_states(w, ids)]})
    cands, refs = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    baseline = {"P": 0.3, "R": 0.25, "F": 0.28}
    open(os.path.join(out_dir, "baseline.tsv"), "w").write("LAYER,P,R,F\n" + "".join(
        f"{l},{baseline['P'] if l == LAYER else 0.9},{baseline['R'] if l == LAYER else 0.9},{baseline['F'] if l == LAYER else 0.9}\n" for l in range(LAYERS + 1)))
    plain = bertscore(w, vocab, cands, refs, False, True)
    json.dump({"version": 1, "layer": LAYER, "tokenizer": tokenizer_cases, "states": states, "pairs": PAIRS,
               "scores": plain, "idfScores": bertscore(w, vocab, cands, refs, True, True),
               "rescaled": [{k: (s[k] - baseline[k]) / (1 - baseline[k]) for k in "PRF"} for s in plain]},
              open(os.path.join(out_dir, "bertscore_cases.json"), "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
