"""An independent GGUF writer for ggml's quantized types, from the GGUF spec (ggml docs/gguf.md) and the block
layouts of ggml-common.h, with struct and numpy only: one small random LLaMA per type (every 2-D weight in that
type, norms F32), so mellama's reader and matmuls can be checked against llama.cpp on files mellama did not write.

Weights are random bytes in the block layout (every quant bit pattern) with the f16 scale fields set so that
each tensor's weights have a chosen size: layer weights small (a residual stream carried by the embedding keeps
the logits' top-2 margins clear of rounding), embedding and output about 1. The vocabulary is synthetic (3
specials, 256 byte pieces, 253 word pieces): tests feed token ids, not text.

Run: /usr/bin/python3 reference/py/make_quant_gguf.py OUTDIR   (writes OUTDIR/<type>.gguf for each type)
"""
import os
import struct
import sys

import numpy as np

import ggml_quants as gq

DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, VOCAB = 256, 512, 2, 4, 2, 512
# byte offsets of the f16 scales (d, and dmin/m) in a block, and the level range, per type
SCALES = {"Q4_0": ([0], [], 8), "Q4_1": ([0], [2], 16), "Q5_0": ([0], [], 16), "Q5_1": ([0], [2], 32),
          "Q8_0": ([0], [], 128), "Q2_K": ([80], [82], 4 * 8), "Q3_K": ([108], [], 4 * 32),
          "Q4_K": ([0], [2], 16 * 32), "Q5_K": ([0], [2], 32 * 32), "Q6_K": ([208], [], 32 * 64)}


def gguf_string(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def kv(key, vtype, value):
    out = gguf_string(key) + struct.pack("<I", vtype)
    if vtype == 4:
        out += struct.pack("<I", value)
    elif vtype == 6:
        out += struct.pack("<f", value)
    elif vtype == 7:
        out += struct.pack("<B", 1 if value else 0)
    elif vtype == 8:
        out += gguf_string(value)
    elif vtype == 9:
        item, items = value
        out += struct.pack("<IQ", item, len(items))
        for v in items:
            out += gguf_string(v) if item == 8 else struct.pack("<f" if item == 6 else "<i", v)
    return out


def random_blocks(rng, t, n, size):
    """n values of type t as random block bytes, scales picked so the weights are about `size`."""
    qk, bb = gq.BLOCK[t]
    raw = bytearray(rng.integers(0, 256, n // qk * bb, dtype=np.uint8).tobytes())
    d_fields, m_fields, levels = SCALES[t]
    for b in range(n // qk):
        for off in d_fields:
            d = size / levels * 2 * (0.5 + rng.random())
            raw[b * bb + off:b * bb + off + 2] = gq.f16_bits(d).to_bytes(2, "little")
        for off in m_fields:
            m = size * (rng.random() - 0.5) * (0.1 if t in ("Q4_1", "Q5_1") else 0.02)
            raw[b * bb + off:b * bb + off + 2] = gq.f16_bits(abs(m) if t.endswith("_K") else m).to_bytes(2, "little")
    if t == "Q6_K":  # int8 sub-block scales: keep them positive and moderate
        for b in range(n // qk):
            for g in range(16):
                raw[b * bb + 192 + g] = int(rng.integers(8, 40))
    if t in ("Q4_K", "Q5_K"):  # 6-bit scales nonzero, mins small
        for b in range(n // qk):
            for j in range(4):
                raw[b * bb + 4 + j] = int(rng.integers(16, 63)) | (raw[b * bb + 4 + j] & 0xC0)
                raw[b * bb + 8 + j] = raw[b * bb + 8 + j] & 0xC0
    return bytes(raw)


def tensors_of():
    hd = DIM // HEADS
    ts = [("token_embd.weight", [DIM, VOCAB], 1.0)]
    for l in range(LAYERS):
        p = f"blk.{l}."
        ts += [(p + "attn_norm.weight", [DIM], None), (p + "attn_q.weight", [DIM, HEADS * hd], 0.05),
               (p + "attn_k.weight", [DIM, KV_HEADS * hd], 0.05), (p + "attn_v.weight", [DIM, KV_HEADS * hd], 0.05),
               (p + "attn_output.weight", [HEADS * hd, DIM], 0.05), (p + "ffn_norm.weight", [DIM], None),
               (p + "ffn_gate.weight", [DIM, HIDDEN], 0.05), (p + "ffn_up.weight", [DIM, HIDDEN], 0.05),
               (p + "ffn_down.weight", [HIDDEN, DIM], 0.05)]
    ts += [("output_norm.weight", [DIM], None), ("output.weight", [DIM, VOCAB], 0.1)]
    return ts


def write(path, t, seed):
    rng = np.random.default_rng(seed)
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{i:02X}>" for i in range(256)] + [f"\u2581w{i}" for i in range(VOCAB - 259)]
    meta = [kv("general.architecture", 8, "llama"), kv("general.name", 8, f"numpy {t}"),
            kv("llama.block_count", 4, LAYERS), kv("llama.context_length", 4, 128), kv("llama.embedding_length", 4, DIM),
            kv("llama.feed_forward_length", 4, HIDDEN), kv("llama.attention.head_count", 4, HEADS),
            kv("llama.attention.head_count_kv", 4, KV_HEADS), kv("llama.rope.freq_base", 6, 10000.0),
            kv("llama.attention.layer_norm_rms_epsilon", 6, 1e-5), kv("llama.rope.dimension_count", 4, DIM // HEADS),
            kv("tokenizer.ggml.model", 8, "llama"), kv("tokenizer.ggml.tokens", 9, (8, tokens)),
            kv("tokenizer.ggml.scores", 9, (6, [0.0] * 3 + [0.0] * 256 + [-float(i) for i in range(VOCAB - 259)])),
            kv("tokenizer.ggml.token_type", 9, (5, [2, 3, 3] + [6] * 256 + [1] * (VOCAB - 259))),
            kv("tokenizer.ggml.bos_token_id", 4, 1), kv("tokenizer.ggml.eos_token_id", 4, 2),
            kv("tokenizer.ggml.unknown_token_id", 4, 0)]
    infos, datas, offset = [], [], 0
    for name, dims, size in tensors_of():
        n = int(np.prod(dims))
        if size is None:
            ttype, data = 0, (0.5 + rng.random(n)).astype(np.float32).tobytes()
        else:
            ttype, data = gq.GGML_TYPE[t], random_blocks(rng, t, n, size)
        infos.append(gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
                     + struct.pack("<IQ", ttype, offset))
        pad = (-len(data)) % 32
        datas.append(data + bytes(pad))
        offset += len(data) + pad
    head = b"GGUF" + struct.pack("<IQQ", 3, len(infos), len(meta)) + b"".join(meta) + b"".join(infos)
    head += bytes((-len(head)) % 32)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(head)
        for d in datas:
            f.write(d)
    os.replace(tmp, path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for i, t in enumerate(gq.BLOCK):
        write(os.path.join(out, f"{t}.gguf"), t, 100 + i)
        print(os.path.join(out, f"{t}.gguf"))


if __name__ == "__main__":
    main()
