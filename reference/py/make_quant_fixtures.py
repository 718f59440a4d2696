"""Oracle fixtures for ggml's block quantization types (test/fixtures/formats/quant_cases.json), from the numpy
implementation in ggml_quants.py (written from ggml's format description and reference quantizers).

For each of Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K:
- `input`: float32 values (several blocks: normal at three scales, all zero, constant, positive only, a block
  with one outlier, values on rounding ties), `quantized`: the reference quantizer's bytes, `dequantized`: those
  bytes decoded;
- `randomBytes`: blocks of random bytes (every quant bit pattern; the f16 scale fields replaced by finite random
  halves) and `randomDequantized`: their decoding.
Floats are stored as the hex of their little-endian float32 bytes so the comparison is bit for bit.

Run: /usr/bin/python3 reference/py/make_quant_fixtures.py
"""
import json
import os

import numpy as np

import ggml_quants as gq

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "formats")
rng = np.random.default_rng(20261203)

# byte offsets of the f16 scale fields in each block (kept finite in the random-byte blocks)
HALF_FIELDS = {"Q4_0": [0], "Q4_1": [0, 2], "Q5_0": [0], "Q5_1": [0, 2], "Q8_0": [0], "Q2_K": [80, 82],
               "Q3_K": [108], "Q4_K": [0, 2], "Q5_K": [0, 2], "Q6_K": [208]}


def inputs(qk):
    blocks = [rng.standard_normal(qk) * s for s in (1.0, 0.02, 300.0)]
    blocks.append(np.zeros(qk))
    blocks.append(np.full(qk, 0.75))
    blocks.append(np.abs(rng.standard_normal(qk)) + 0.1)
    outlier = rng.standard_normal(qk) * 0.01
    outlier[qk // 3] = -5.0
    blocks.append(outlier)
    ties = (rng.integers(-16, 16, qk) + 0.5) / 8.0
    blocks.append(ties)
    return np.concatenate(blocks).astype(np.float32)


def random_blocks(t, count):
    bb = gq.BLOCK[t][1]
    raw = bytearray(rng.integers(0, 256, count * bb, dtype=np.uint8).tobytes())
    for b in range(count):
        for off in HALF_FIELDS[t]:
            h = np.float16(rng.standard_normal() * 0.05).view(np.uint16)
            raw[b * bb + off:b * bb + off + 2] = int(h).to_bytes(2, "little")
    return bytes(raw)


def main():
    cases = {}
    for t, (qk, bb) in gq.BLOCK.items():
        x = inputs(qk)
        q = gq.quantize(t, x)
        assert len(q) == len(x) // qk * bb
        rb = random_blocks(t, 6)
        n_rand = 6 * qk
        cases[t] = {
            "input": x.tobytes().hex(),
            "quantized": q.hex(),
            "dequantized": gq.dequantize(t, q, len(x)).tobytes().hex(),
            "randomBytes": rb.hex(),
            "randomDequantized": gq.dequantize(t, rb, n_rand).tobytes().hex(),
        }
        print(t, len(x), "values")
    with open(os.path.join(OUT, "quant_cases.json"), "w") as f:
        json.dump({"about": "reference/py/ggml_quants.py: ggml block types, quantize and dequantize", "cases": cases}, f)


if __name__ == "__main__":
    main()
