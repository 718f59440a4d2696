#!/usr/bin/env python3
"""Oracle for UNUSED pieces: sentencepiece's BPE may form an unused piece by a merge and then splits it back into
the two symbols that formed it (bpe_model.cc resegment). Takes test/fixtures/tokenizer/words.model, marks every
50th normal multi-character piece UNUSED, and records python3-sentencepiece's ids for the texts of cases.json.

Run: /usr/bin/python3 reference/py/make_tokenizer_unused_cases.py   (after make_tokenizer_cases.py)
Writes test/fixtures/tokenizer/words_unused.model and unused_cases.json.
"""
import json
import os

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as pb

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "tokenizer")
m = pb.ModelProto()
with open(os.path.join(out, "words.model"), "rb") as f:
    m.ParseFromString(f.read())
normal = [p for p in m.pieces if p.type == pb.ModelProto.SentencePiece.NORMAL and len(p.piece) > 1]
for p in normal[::50]:
    p.type = pb.ModelProto.SentencePiece.UNUSED
path = os.path.join(out, "words_unused.model")
with open(path, "wb") as f:
    f.write(m.SerializeToString())

sp = spm.SentencePieceProcessor(model_file=path)
with open(os.path.join(out, "cases.json"), encoding="utf-8") as f:
    texts = [c["text"] for c in json.load(f)["cases"] if c["model"] == "words" and "text" in c]
cases = [{"text": t, "ids": sp.encode(t)} for t in texts[:70]]
with open(os.path.join(out, "unused_cases.json"), "w", encoding="utf-8") as f:
    json.dump({"sentencepiece": spm.__version__, "unused": len(normal[::50]), "cases": cases}, f, ensure_ascii=False, indent=0)
print(len(cases), "cases,", len(normal[::50]), "unused pieces")
