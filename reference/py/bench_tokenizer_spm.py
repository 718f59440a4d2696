#!/usr/bin/env python3
"""Anchor for bench:tokenizer: python3-sentencepiece encode throughput. Reads MODEL and TEXT (one document per
line), encodes every line once as warm-up, then REPEATS times, printing one JSON line per timed pass:
{"seconds": s, "bytes": n, "tokens": t}. Run by bench/tokenizer.ts; no data of its own."""
import json
import sys
import time

import sentencepiece as spm

model, text, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
sp = spm.SentencePieceProcessor(model_file=model)
lines = open(text, encoding="utf-8").read().split("\n")
size = sum(len(l.encode("utf-8")) + 1 for l in lines)
sp.encode(lines[:1000])
for _ in range(repeats):
    t0 = time.perf_counter()
    tokens = sum(len(ids) for ids in sp.encode(lines))
    print(json.dumps({"seconds": time.perf_counter() - t0, "bytes": size, "tokens": tokens}), flush=True)
