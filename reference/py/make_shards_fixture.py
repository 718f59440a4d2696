"""Oracle for the Megatron indexed dataset (MMIDIDX) layout, written from the format's description in
Megatron-LM's indexed_dataset.py (not its code): writes test/fixtures/corpus/megatron/oracle.{bin,idx} with numpy,
uint16 tokens, three sequences of different lengths, one document per sequence, and a JSON of what it wrote.
mellama's writer must reproduce both files byte for byte and its reader must read them.

Run: /usr/bin/python3 reference/py/make_shards_fixture.py
"""
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "corpus", "megatron")
SEQUENCES = [[1, 306, 4966, 29889, 2], [1, 65535, 0, 31999], [7] * 9]


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    lengths = np.array([len(s) for s in SEQUENCES], dtype=np.int32)
    pointers = np.zeros(len(SEQUENCES), dtype=np.int64)
    pointers[1:] = np.cumsum(lengths[:-1].astype(np.int64) * 2)
    doc_idx = np.arange(len(SEQUENCES) + 1, dtype=np.int64)
    with open(os.path.join(OUT, "oracle.bin"), "wb") as f:
        for s in SEQUENCES:
            f.write(np.array(s, dtype=np.uint16).tobytes(order="C"))
    with open(os.path.join(OUT, "oracle.idx"), "wb") as f:
        f.write(b"MMIDIDX\x00\x00")
        f.write(struct.pack("<Q", 1))  # version
        f.write(struct.pack("<B", 8))  # dtype code 8 = uint16
        f.write(struct.pack("<Q", len(SEQUENCES)))
        f.write(struct.pack("<Q", len(doc_idx)))
        f.write(lengths.tobytes(order="C"))
        f.write(pointers.tobytes(order="C"))
        f.write(doc_idx.tobytes(order="C"))
    # Read back the way a Megatron reader does (memmap over the .bin at each pointer) as a self-check.
    bin_ = np.memmap(os.path.join(OUT, "oracle.bin"), dtype=np.uint16, mode="r")
    for s, p, n in zip(SEQUENCES, pointers, lengths):
        assert bin_[p // 2: p // 2 + n].tolist() == s
    with open(os.path.join(OUT, "oracle.json"), "w") as f:
        json.dump({"dtype": 8, "sequences": SEQUENCES, "documentIndices": doc_idx.tolist()}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
