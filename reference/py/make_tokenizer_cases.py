#!/usr/bin/env python3
"""Tokenizer oracle: trains small SentencePiece BPE models with python3-sentencepiece on clinical notes
(mtsamples.csv) and PubMed abstracts (pubmedqa ori_pqal.json contexts) from the benchmark data, with LLaMA-2's
settings (model_type=bpe, byte_fallback, split_digits, identity normalisation, dummy prefix, no whitespace
collapsing), and writes encode/decode cases for held-out text: unicode, digits, whitespace runs, emoji, rare
bytes, CJK, combining marks. Two models: `llama_like` allows whitespace-only pieces (as LLaMA-2 does),
`words` does not.

Run: /usr/bin/python3 reference/py/make_tokenizer_cases.py [DATA_DIR]   (default ../shared/data)
Writes test/fixtures/tokenizer/{llama_like,words}.model and cases.json.
"""
import csv
import json
import os
import random
import sys

import sentencepiece as spm
from spm_paths import strip_paths

data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")
out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "tokenizer")
os.makedirs(out, exist_ok=True)
csv.field_size_limit(1 << 30)

texts = []
with open(os.path.join(data, "mtsamples", "mtsamples.csv"), newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["transcription"].strip():
            texts.append(row["transcription"])
with open(os.path.join(data, "pubmedqa", "ori_pqal.json"), encoding="utf-8") as f:
    for entry in json.load(f).values():
        texts.extend(entry["CONTEXTS"])
random.Random(0).shuffle(texts)
held_out, train = texts[:40], texts[40:]
corpus = os.path.join(out, "_train.txt")
with open(corpus, "w", encoding="utf-8") as f:
    for t in train:
        f.write(t.replace("\n", " ") + "\n")

common = dict(input=corpus, model_type="bpe", vocab_size=3000, byte_fallback=True, split_digits=True,
              normalization_rule_name="identity", add_dummy_prefix=True, remove_extra_whitespaces=False,
              character_coverage=0.9995, unk_id=0, bos_id=1, eos_id=2, pad_id=-1, num_threads=2,
              max_sentence_length=1 << 16, input_sentence_size=0)
spm.SentencePieceTrainer.train(model_prefix=os.path.join(out, "llama_like"), allow_whitespace_only_pieces=True, **common)
spm.SentencePieceTrainer.train(model_prefix=os.path.join(out, "words"), **common)
os.remove(corpus)
for name in ("llama_like", "words"):
    os.remove(os.path.join(out, name + ".vocab"))
    strip_paths(os.path.join(out, name + ".model"))  # the fixtures must not name the directory they were made in

tricky = [
    "", " ", "  leading spaces", "trailing spaces   ", "tabs\tand\nnewlines\r\n", "multiple     internal     spaces",
    "Digits 1234567890 and 3.14159, 2e-10, 100mg/kg", "Ünïcödé àccents, ß, Œ, ﬁ ligature", "emoji 🩺💊🫀 and 👩‍⚕️",
    "CJK 医学 大语言模型 한국어 日本語", "combining e\u0301 a\u0308 n\u0303", "rare bytes \u0001\u0002\u007f \u200b zero-width",
    "Ελληνικά και русский текст", "<s> not a control token </s>", "▁ literal lower one eighth block", "a" * 300,
    "BP 120/80 mmHg, HR 72 bpm, SpO2 98% on RA.", "C. difficile; E. coli; S. aureus (MRSA).",
]
cases = []
for name in ("llama_like", "words"):
    sp = spm.SentencePieceProcessor(model_file=os.path.join(out, name + ".model"))
    for text in tricky + held_out:
        ids = sp.encode(text)
        cases.append({"model": name, "text": text, "ids": ids, "decoded": sp.decode(ids)})
    # Decoding of arbitrary id sequences: byte pieces forming invalid UTF-8, control tokens mid-sequence.
    rnd = random.Random(1)
    for _ in range(20):
        ids = [rnd.randrange(0, sp.get_piece_size()) for _ in range(rnd.randrange(1, 12))]
        cases.append({"model": name, "decodeOnly": True, "ids": ids, "decoded": sp.decode(ids)})
with open(os.path.join(out, "cases.json"), "w", encoding="utf-8") as f:
    json.dump({"sentencepiece": spm.__version__, "cases": cases}, f, ensure_ascii=False, indent=0)
print(len(cases), "cases")
