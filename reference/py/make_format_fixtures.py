"""Oracle fixtures for mellama's model file formats (test/fixtures/formats/).

- half_cases.json: float32 bit patterns and what PyTorch's .half() / .bfloat16() make of them (round to nearest
  even, NaN/Inf/subnormals, ties, overflow).
- q8_0_cases.json: Q8_0 blocks quantized with gguf-py's numpy formula (d = amax/127, q = roundf(x/d), d as f16).
- permute_cases.json: convert_hf_to_gguf.py's LlamaModel.permute on small q (n_head) and k (n_head_kv) matrices.
- python_written.safetensors (+ .json with the values): a file written byte by byte per the safetensors spec with
  struct/numpy (Debian ships no `safetensors` package): compact JSON header, __metadata__ first, tensors in
  insertion order, header padded with spaces to a multiple of 8.
- If test/fixtures/formats/mellama_written.gguf exists (written by test/formats/gguf.test.ts on request), it is
  parsed here with an independent struct reader per ggml's docs/gguf.md and the result saved as
  mellama_gguf_check.json.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 reference/py/make_format_fixtures.py
"""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "formats")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(1234)


def half_cases():
    special = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 65504.0, 65519.99, 65520.0, 1e6, -1e6,
               6.1035156e-05, 6.0e-05, 5.96e-08, 2.98e-08, 2.9802322e-08, 2.99e-08, 1e-10, 1.0 + 2 ** -11, 1.0 + 3 * 2 ** -11,
               3.3895314e38, 3.4028235e38, 1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, 1e-40, -1e-45, 0.1, 1 / 3]
    bits = [struct.unpack("<I", struct.pack("<f", v))[0] for v in special]
    bits += [0x7f800001, 0xffc00000, 0x00000001, 0x807fffff, 0x38000000, 0x33000000, 0x33000001, 0x387fe000, 0x387ff000]
    bits += list(rng.integers(0, 2 ** 32, size=1500, dtype=np.uint64).astype(np.uint32).tolist())
    x = torch.from_numpy(np.array(bits, dtype=np.uint32).view(np.float32).copy())
    f16 = x.half().view(torch.int16).numpy().astype(np.uint16).tolist()
    bf16 = x.bfloat16().view(torch.int16).numpy().astype(np.uint16).tolist()
    return {"about": "float32 bits -> torch .half() and .bfloat16() bits", "torch": torch.__version__,
            "f32Bits": [int(b) for b in bits], "f16Bits": f16, "bf16Bits": bf16}


def q8_0_cases():
    blocks = [rng.standard_normal(32).astype(np.float32) * s for s in (1.0, 1e-3, 300.0)]
    blocks.append(np.zeros(32, dtype=np.float32))
    tie = np.zeros(32, dtype=np.float32)
    tie[0] = 127.0
    tie[1:8] = [0.5, -0.5, 1.5, -2.5, 126.5, -126.5, 63.5]
    blocks.append(tie)
    x = np.concatenate(blocks).reshape(-1, 32)
    d = np.abs(x).max(axis=-1, keepdims=True) / np.float32(127)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    qs = x * inv
    qs = (np.sign(qs) * np.floor(np.abs(qs) + np.float32(0.5))).astype(np.int8)  # gguf-py np_roundf
    packed = np.concatenate([d.astype(np.float16).view(np.uint8), qs.view(np.uint8)], axis=-1)
    deq = d.astype(np.float16).astype(np.float32) * qs.astype(np.float32)
    return {"about": "gguf-py quants.Q8_0 formula", "values": x.reshape(-1).tolist(), "bytesHex": packed.tobytes().hex(),
            "dequantized": deq.reshape(-1).tolist()}


def permute(w, n_head, n_head_kv=None):
    # convert_hf_to_gguf.py LlamaModel.permute
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def permute_cases():
    q = torch.arange(16 * 3, dtype=torch.float32).reshape(16, 3)
    k = torch.arange(8 * 3, dtype=torch.float32).reshape(8, 3) + 1000
    return {"q": {"rows": 16, "cols": 3, "nHead": 4, "hf": q.reshape(-1).tolist(), "gguf": permute(q, 4, 4).reshape(-1).tolist()},
            "k": {"rows": 8, "cols": 3, "nHead": 4, "nHeadKv": 2, "hf": k.reshape(-1).tolist(), "gguf": permute(k, 4, 2).reshape(-1).tolist()}}


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, dtype, shape, blob in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def safetensors_fixture():
    w = torch.randn(4, 5, generator=torch.Generator().manual_seed(7))
    tensors = [
        ("w", "F32", [4, 5], w.numpy().astype("<f4").tobytes()),
        ("w16", "F16", [4, 5], w.half().view(torch.int16).numpy().astype("<i2").tobytes()),
        ("wbf", "BF16", [5, 4], w.bfloat16().view(torch.int16).numpy().astype("<i2").tobytes()),
        ("ids", "I64", [3], np.array([1, -2, 2 ** 40], dtype="<i8").tobytes()),
    ]
    write_safetensors(os.path.join(OUT, "python_written.safetensors"), tensors, {"format": "pt", "source": "make_format_fixtures.py"})
    return {"w": w.reshape(-1).tolist(), "w16": w.half().float().reshape(-1).tolist(), "wbf": w.bfloat16().float().reshape(-1).tolist(),
            "ids": [1, -2, 2 ** 40]}


def check_gguf(path):
    """An independent GGUF v3 reader (ggml docs/gguf.md), used to check a file mellama wrote."""
    data = open(path, "rb").read()
    pos = 0

    def take(fmt):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return vals[0] if len(vals) == 1 else vals

    def string():
        nonlocal pos
        n = take("Q")
        s = data[pos:pos + n].decode()
        pos += n
        return s

    fmts = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}

    def value(t):
        if t == 8:
            return string()
        if t == 9:
            it, n = take("I"), take("Q")
            return [value(it) for _ in range(n)]
        return take(fmts[t])

    assert data[:4] == b"GGUF"
    pos = 4
    version, n_tensors, n_kv = take("I"), take("Q"), take("Q")
    kv = {}
    for _ in range(n_kv):
        key = string()
        kv[key] = value(take("I"))
    infos = []
    for _ in range(n_tensors):
        name = string()
        nd = take("I")
        dims = [take("Q") for _ in range(nd)]
        infos.append({"name": name, "dims": dims, "type": take("I"), "offset": take("Q")})
    align = kv.get("general.alignment", 32)
    start = (pos + align - 1) // align * align
    for t in infos:
        if t["type"] == 0:
            n = int(np.prod(t["dims"]))
            arr = np.frombuffer(data, dtype="<f4", count=n, offset=start + t["offset"])
            t["sum"] = float(arr.astype(np.float64).sum())
    kv = {k: (v if not isinstance(v, float) else round(v, 6)) for k, v in kv.items()}
    return {"version": version, "metadata": kv, "tensors": infos, "dataStart": start}


def main():
    with open(os.path.join(OUT, "half_cases.json"), "w") as f:
        json.dump(half_cases(), f)
    with open(os.path.join(OUT, "q8_0_cases.json"), "w") as f:
        json.dump(q8_0_cases(), f)
    with open(os.path.join(OUT, "permute_cases.json"), "w") as f:
        json.dump(permute_cases(), f)
    with open(os.path.join(OUT, "python_written.json"), "w") as f:
        json.dump(safetensors_fixture(), f)
    gguf = os.path.join(OUT, "mellama_written.gguf")
    if os.path.exists(gguf):
        with open(os.path.join(OUT, "mellama_gguf_check.json"), "w") as f:
            json.dump(check_gguf(gguf), f, indent=1)


if __name__ == "__main__":
    main()
