#!/usr/bin/env python3
"""Checks that a tokenizer.model written by mellama loads in python3-sentencepiece and encodes as mellama does.

Trains a small BPE tokenizer with `mellama tokenizer train` (clinical notes and PubMed contexts from the benchmark
data, user-defined symbols [INST] [/INST] <<SYS>>), loads the written tokenizer.model with sentencepiece, and
records sentencepiece's ids and decodes for held-out and adversarial text. The test then asserts that mellama,
loading the same file (and its tokenizer.json), produces exactly these ids.

Run: /usr/bin/python3 reference/py/check_mellama_tokenizer.py [DATA_DIR]   (default ../shared/data)
Writes test/fixtures/tokenizer/mellama_trained.model and mellama_trained_cases.json.
"""
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import sentencepiece as spm

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data")
out = os.path.join(root, "test", "fixtures", "tokenizer")
csv.field_size_limit(1 << 30)

texts = []
with open(os.path.join(data, "mtsamples", "mtsamples.csv"), newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["transcription"].strip():
            texts.append(row["transcription"].replace("\n", " "))
with open(os.path.join(data, "pubmedqa", "ori_pqal.json"), encoding="utf-8") as f:
    for entry in json.load(f).values():
        texts.extend(entry["CONTEXTS"])
random.Random(2).shuffle(texts)
held_out, train = texts[:40], texts[40:1540]

tmp = tempfile.mkdtemp()
try:
    corpus = os.path.join(tmp, "train.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(train) + "\n")
    subprocess.run(["node", os.path.join(root, "dist", "cli", "bin.js"), "tokenizer", "train", "--input", corpus, "--vocab-size", "2000",
                    "--output", os.path.join(tmp, "tok"), "--user-defined-symbols", "[INST]", "[/INST]", "<<SYS>>"], check=True)
    shutil.copyfile(os.path.join(tmp, "tok", "tokenizer.model"), os.path.join(out, "mellama_trained.model"))
finally:
    shutil.rmtree(tmp)

sp = spm.SentencePieceProcessor(model_file=os.path.join(out, "mellama_trained.model"))
tricky = [
    "", " ", "  leading spaces", "trailing spaces   ", "tabs\tand\nnewlines", "multiple     internal     spaces",
    "Digits 1234567890 and 3.14159, 100mg/kg", "Ünïcödé àccents, ß, ﬁ", "emoji 🩺💊 and 👩‍⚕️", "CJK 医学 한국어",
    "combining e\u0301 a\u0308", "rare bytes \u0001\u007f \u200b", "[INST] What is BP? [/INST] <<SYS>>x[INST]y",
    "<s> not a control token </s>", "a" * 200,
]
cases = []
for text in tricky + held_out:
    ids = sp.encode(text)
    cases.append({"text": text, "ids": ids, "decoded": sp.decode(ids)})
with open(os.path.join(out, "mellama_trained_cases.json"), "w", encoding="utf-8") as f:
    json.dump({"sentencepiece": spm.__version__, "pieces": sp.get_piece_size(), "cases": cases}, f, ensure_ascii=False, indent=0)
print(len(cases), "cases;", sp.get_piece_size(), "pieces loaded by sentencepiece", spm.__version__)
