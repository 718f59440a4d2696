"""Independent oracles for mellama's ROUGE and seqeval metrics, written from their published definitions.

Neither rouge-score nor seqeval (nor NLTK) is installed here, so this script re-implements them from what they
publish, in a different shape from the TypeScript (a table-driven Porter stemmer, Counter-based n-grams, an
explicit LCS table with rouge-score's backtracking, numpy averaging as seqeval does), and writes
test/fixtures/eval/metrics/rouge_seqeval_cases.json. Run from the repository root:
    /usr/bin/python3 reference/py/make_rouge_seqeval_cases.py [DATA_DIR]
DATA_DIR (default ../shared/data) supplies real-looking text: PubMedQA abstracts and their conclusions, and
wikitext-2; the Me-LLaMA paper's own sentences are taken from docs beside it when present (me-llama-spec.md).

ROUGE (google-research/rouge, the `rouge-score` package, as HF evaluate calls it):
- tokenize: lowercase; every run of characters outside [a-z0-9] becomes one space; split on whitespace; with
  use_stemmer, tokens longer than 3 characters go through NLTK's PorterStemmer() (its default mode,
  NLTK_EXTENSIONS); keep tokens matching ^[a-z0-9]+$.
- rougeN: Counter of n-gram tuples; overlap = sum over target n-grams of min(count_t, count_p);
  precision = overlap / max(#pred n-grams, 1), recall = overlap / max(#target n-grams, 1).
- rougeL: LCS length of the whole token lists; 0 when either side is empty.
- rougeLsum: sentences = text.split("\\n") without empty strings, each tokenized; summary-level LCS (ROUGE paper
  section 3.2) with rouge-score's double-counting guard: for each reference sentence, the union of the LCS
  token positions against every candidate sentence (one LCS each, read back from the DP table preferring to
  step up when the left and upper cells tie), counted while both sides' token budgets last.
- fmeasure = 2PR / (P + R), 0 when P + R = 0.
Porter stemmer (Porter 1980, "An algorithm for suffix stripping", with NLTK_EXTENSIONS' documented departures):
irregular forms table; words of 1-2 letters unchanged; step 1a 'ies' of a 4-letter word -> 'ie'; step 1b 'ied'
-> 'ie' (4 letters) or 'i'; step 1c Y -> I only after a consonant that is not the first letter; step 2 'alli'
reduced first and step 2 re-applied, 'bli' -> 'ble' (not 'abli'), extra 'fulli' -> 'ful' and 'logi' -> 'log'
(measured on the stem with the 'l'); *o also true for a 2-letter vowel-consonant stem; a rule whose suffix
matches but whose condition fails ends its step.

seqeval (default mode, as the i2b2 task scores): a list of sentences is flattened with an 'O' after each; chunks
by get_entities' begin/end rules (IOB1/IOB2/IOE/IOBES prefixes, lenient: 'I-X' after 'O' starts an entity);
type = text after the first '-' of the tag without its first character ('_' when empty); entities are sets of
(start, end) per type; micro: summed counts; macro: numpy mean over the sorted types of per-type P/R/F;
0/0 -> 0 (zero_division='warn').
"""
import json
import os
import random
import re
import sys
from collections import Counter

import numpy as np

rng = random.Random(20261203)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "test", "fixtures", "eval", "metrics", "rouge_seqeval_cases.json")

# ---------------------------------------------------------------------------------------------------------------
# Porter stemmer, NLTK_EXTENSIONS mode, table-driven.

IRREGULAR = {"skies": "sky", "sky": "sky", "dying": "die", "lying": "lie", "tying": "tie", "news": "news",
             "innings": "inning", "inning": "inning", "outings": "outing", "outing": "outing",
             "cannings": "canning", "canning": "canning", "howe": "howe", "proceed": "proceed",
             "exceed": "exceed", "succeed": "succeed"}


def cv(word):
    """'c'/'v' per letter: y is a consonant at the start or after a vowel, a vowel after a consonant."""
    out = []
    for i, ch in enumerate(word):
        if ch in "aeiou":
            out.append("v")
        elif ch == "y":
            out.append("c" if i == 0 or out[i - 1] == "v" else "v")
        else:
            out.append("c")
    return "".join(out)


def m(stem):
    return len(re.findall("vc", cv(stem)))


def has_vowel(stem):
    return "v" in cv(stem)


def double_c(word):
    return len(word) >= 2 and word[-1] == word[-2] and cv(word)[-1] == "c"


def star_o(word):
    s = cv(word)
    if len(word) >= 3:
        return s[-3:] == "cvc" and word[-1] not in "wxy"
    return len(word) == 2 and s == "vc"


def first_rule(word, table):
    """The first rule whose suffix ends the word decides: its replacement if its condition holds, else nothing."""
    for suffix, repl, cond in table:
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)]
            return stem + repl if cond(stem) else word
    return word


M0 = lambda s: m(s) > 0
M1 = lambda s: m(s) > 1
ALWAYS = lambda s: True


def porter(word):
    lower = word.lower()
    if word in IRREGULAR:
        return IRREGULAR[lower]
    if len(word) <= 2:
        return lower
    w = lower
    # 1a
    if w.endswith("ies") and len(w) == 4:
        w = w[:-3] + "ie"
    else:
        w = first_rule(w, [("sses", "ss", ALWAYS), ("ies", "i", ALWAYS), ("ss", "ss", ALWAYS), ("s", "", ALWAYS)])
    # 1b
    if w.endswith("ied"):
        w = w[:-3] + ("ie" if len(w) == 4 else "i")
    elif w.endswith("eed"):
        if m(w[:-3]) > 0:
            w = w[:-1]
    else:
        cut = None
        if w.endswith("ed") and has_vowel(w[:-2]):
            cut = w[:-2]
        elif w.endswith("ing") and has_vowel(w[:-3]):
            cut = w[:-3]
        if cut is not None:
            w = cut
            if w.endswith(("at", "bl", "iz")):
                w += "e"
            elif double_c(w):
                if w[-1] not in "lsz":
                    w = w[:-1]
            elif m(w) == 1 and star_o(w):
                w += "e"
    # 1c
    if w.endswith("y") and len(w) > 2 and cv(w[:-1])[-1] == "c":
        w = w[:-1] + "i"
    # 2
    w = step2(w)
    # 3
    w = first_rule(w, [("icate", "ic", M0), ("ative", "", M0), ("alize", "al", M0), ("iciti", "ic", M0),
                       ("ical", "ic", M0), ("ful", "", M0), ("ness", "", M0)])
    # 4
    w = first_rule(w, [("al", "", M1), ("ance", "", M1), ("ence", "", M1), ("er", "", M1), ("ic", "", M1),
                       ("able", "", M1), ("ible", "", M1), ("ant", "", M1), ("ement", "", M1), ("ment", "", M1),
                       ("ent", "", M1), ("ion", "", lambda s: m(s) > 1 and s[-1] in "st"), ("ou", "", M1),
                       ("ism", "", M1), ("ate", "", M1), ("iti", "", M1), ("ous", "", M1), ("ive", "", M1),
                       ("ize", "", M1)])
    # 5a
    if w.endswith("e"):
        s = w[:-1]
        if m(s) > 1 or (m(s) == 1 and not star_o(s)):
            w = s
    # 5b
    if w.endswith("ll") and m(w[:-1]) > 1:
        w = w[:-1]
    return w


def step2(w):
    if w.endswith("alli") and m(w[:-4]) > 0:
        return step2(w[:-4] + "al")
    table = [("ational", "ate", M0), ("tional", "tion", M0), ("enci", "ence", M0), ("anci", "ance", M0),
             ("izer", "ize", M0), ("bli", "ble", M0), ("alli", "al", M0), ("entli", "ent", M0), ("eli", "e", M0),
             ("ousli", "ous", M0), ("ization", "ize", M0), ("ation", "ate", M0), ("ator", "ate", M0),
             ("alism", "al", M0), ("iveness", "ive", M0), ("fulness", "ful", M0), ("ousness", "ous", M0),
             ("aliti", "al", M0), ("iviti", "ive", M0), ("biliti", "ble", M0), ("fulli", "ful", M0),
             ("logi", "log", lambda s: m(w[:-3]) > 0)]
    return first_rule(w, table)


# ---------------------------------------------------------------------------------------------------------------
# rouge-score

def tokenize(text, stem):
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    tokens = re.split(r"\s+", text)
    if stem:
        tokens = [porter(t) if len(t) > 3 else t for t in tokens]
    return [t for t in tokens if re.match(r"^[a-z0-9]+$", t)]


def fmeasure(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def score(p, r):
    return {"precision": p, "recall": r, "fmeasure": fmeasure(p, r)}


def rouge_n(t, p, n):
    tc = Counter(tuple(t[i:i + n]) for i in range(len(t) - n + 1))
    pc = Counter(tuple(p[i:i + n]) for i in range(len(p) - n + 1))
    overlap = sum(min(c, pc[g]) for g, c in tc.items())
    return score(overlap / max(sum(pc.values()), 1), overlap / max(sum(tc.values()), 1))


def lcs_table(a, b):
    t = np.zeros((len(a) + 1, len(b) + 1), dtype=np.int64)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            t[i, j] = t[i - 1, j - 1] + 1 if a[i - 1] == b[j - 1] else max(t[i - 1, j], t[i, j - 1])
    return t


def rouge_l(t, p):
    if not t or not p:
        return score(0, 0)
    lcs = int(lcs_table(t, p)[-1, -1])
    return score(lcs / len(p), lcs / len(t))


def lcs_positions(ref, can):
    """Indices into ref of one LCS, read back from the end: a match steps diagonally; otherwise left when the left
    cell is strictly larger than the upper one, else up."""
    t = lcs_table(ref, can)
    i, j, out = len(ref), len(can), []
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            out.append(i - 1)
            i, j = i - 1, j - 1
        elif t[i, j - 1] > t[i - 1, j]:
            j -= 1
        else:
            i -= 1
    return out[::-1]


def rouge_lsum(target, prediction, stem):
    refs = [tokenize(s, stem) for s in target.split("\n") if s]
    cans = [tokenize(s, stem) for s in prediction.split("\n") if s]
    if not refs or not cans:
        return score(0, 0)
    m_tokens = sum(len(s) for s in refs)
    n_tokens = sum(len(s) for s in cans)
    if not m_tokens or not n_tokens:
        return score(0, 0)
    budget_r = Counter(tok for s in refs for tok in s)
    budget_c = Counter(tok for s in cans for tok in s)
    hits = 0
    for ref in refs:
        union = sorted(set().union(*[set(lcs_positions(ref, c)) for c in cans]))
        for tok in (ref[i] for i in union):
            if budget_c[tok] > 0 and budget_r[tok] > 0:
                hits += 1
                budget_c[tok] -= 1
                budget_r[tok] -= 1
    return score(hits / n_tokens, hits / m_tokens)


def rouge_all(target, prediction, stem):
    t, p = tokenize(target, stem), tokenize(prediction, stem)
    return {"rouge1": rouge_n(t, p, 1), "rouge2": rouge_n(t, p, 2), "rougeL": rouge_l(t, p),
            "rougeLsum": rouge_lsum(target, prediction, stem)}


# ---------------------------------------------------------------------------------------------------------------
# seqeval, default mode

def entities(seq):
    """(type, start, end) chunks of a flat tag list, as seqeval's get_entities finds them."""
    out = []
    prev_tag, prev_type, begin = "O", "", 0
    for i, chunk in enumerate(list(seq) + ["O"]):
        tag = chunk[0]
        typ = chunk[1:].split("-", 1)[-1] or "_"
        ends = (prev_tag in ("E", "S")
                or (prev_tag in ("B", "I") and tag in ("B", "S", "O"))
                or (prev_tag not in ("O", ".") and prev_type != typ))
        starts = (tag in ("B", "S")
                  or (prev_tag in ("E", "S", "O") and tag in ("E", "I"))
                  or (tag not in ("O", ".") and prev_type != typ))
        if ends:
            out.append((prev_type, begin, i - 1))
        if starts:
            begin = i
        prev_tag, prev_type = tag, typ
    return out


def seqeval_scores(golds, preds):
    flat = lambda sents: [t for s in sents for t in list(s) + ["O"]]
    by_type_true, by_type_pred = {}, {}
    for typ, s, e in entities(flat(golds)):
        by_type_true.setdefault(typ, set()).add((s, e))
    for typ, s, e in entities(flat(preds)):
        by_type_pred.setdefault(typ, set()).add((s, e))
    types = sorted(set(by_type_true) | set(by_type_pred))
    tp = np.array([len(by_type_true.get(k, set()) & by_type_pred.get(k, set())) for k in types], dtype=np.int64)
    pred = np.array([len(by_type_pred.get(k, set())) for k in types], dtype=np.int64)
    true = np.array([len(by_type_true.get(k, set())) for k in types], dtype=np.int64)

    def prf(tp, pred, true):
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(pred > 0, tp / np.where(pred > 0, pred, 1), 0.0)
            r = np.where(true > 0, tp / np.where(true > 0, true, 1), 0.0)
        denom = 1.0 * p + r
        denom[denom == 0.0] = 1
        f = (1 + 1.0) * p * r / denom
        return p, r, f

    mp, mr, mf = prf(np.array([tp.sum()]), np.array([pred.sum()]), np.array([true.sum()]))
    out = {"types": types, "micro": {"precision": float(mp[0]), "recall": float(mr[0]), "f1": float(mf[0]),
                                      "tp": int(tp.sum()), "predicted": int(pred.sum()), "gold": int(true.sum())}}
    if types:
        p, r, f = prf(tp, pred, true)
        out["macro"] = {"precision": float(np.average(p)), "recall": float(np.average(r)), "f1": float(np.average(f))}
        out["per_type"] = {k: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(true[i])}
                           for i, k in enumerate(types)}
    return out


# ---------------------------------------------------------------------------------------------------------------
# Inputs

def read_texts():
    texts = []
    pqa = os.path.join(DATA, "pubmedqa", "ori_pqal.json")
    if os.path.exists(pqa):
        with open(pqa) as f:
            items = list(json.load(f).values())
        rng.shuffle(items)
        for it in items[:25]:
            texts.append(("pubmedqa", "\n".join(it["CONTEXTS"][:2]), it["LONG_ANSWER"]))
    spec = os.path.join(ROOT, "..", "shared", "docs", "me-llama-spec.md")
    if os.path.exists(spec):
        with open(spec) as f:
            paras = [p.strip() for p in f.read().split("\n\n") if len(p.split()) > 25]
        for p in paras[:30]:
            sents = [s for s in re.split(r"(?<=[.!?])\s+", p) if s]
            texts.append(("paper", "\n".join(sents), " ".join(rng.sample(sents, min(2, len(sents))))))
    wiki = os.path.join(DATA, "wikitext2", "test.txt")
    if os.path.exists(wiki):
        with open(wiki) as f:
            lines = [l.strip() for l in f if len(l.split()) > 40]
        for l in lines[:20]:
            texts.append(("wikitext2", l, " ".join(l.split()[: len(l.split()) // 3])))
    return texts


VOCAB = ("the patient was given aspirin daily for chest pain and denied fever history of hypertension diabetes "
         "relational conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli "
         "analogousli vietnamization predication operator feudalism decisiveness hopefulness callousness formaliti "
         "sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful goodness revival "
         "allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment dependent "
         "adoption homologou communism activate angulariti homologous effective bowdlerize probate rate cease "
         "controll roll caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled "
         "sized hopping tanned falling hissing fizzed failing filing happy sky skies dying lying tying news innings "
         "outing cannings howe proceed exceed succeed flies dies spied died enjoy spy fly try generalli fulli "
         "archaeology geology theology analogies cardiology oncologist hyperlipidemia metformin 5mg 10 mg/dl "
         "i ii iii 2023 covid-19 sars-cov-2 a b c x y z ab ed ing ied ies eed oed yyy bye ay oy").split()
ODD = ["Don't", "STOP-now!", "café", "naïve", "İstanbul", "\u212aelvin", "ǅemal", "straße", "ﬁnal", "x²", "①", "٣",
       "Ⅻ", "—", "...", "\t", "\u00a0", "\u2028", "🙂", "", "A.B.C.", "e.g.", "U.S.", "pH7.4", "co2", "IL-6"]


def random_text(n, lines=False):
    words = [rng.choice(VOCAB) if rng.random() < 0.85 else rng.choice(ODD) for _ in range(n)]
    words = [w.upper() if rng.random() < 0.1 else w for w in words]
    seps = [(" \n" if lines and rng.random() < 0.15 else (rng.choice([" ", "  ", ", ", ". ", "\n\n"]) if rng.random() < 0.1 else " "))
            for _ in words]
    return "".join(w + s for w, s in zip(words, seps))


def perturb(text):
    words = text.split(" ")
    out = []
    for w in words:
        r = rng.random()
        if r < 0.1:
            continue
        if r < 0.2:
            out.append(rng.choice(VOCAB))
        elif r < 0.25:
            out.extend([w, w])
        else:
            out.append(w)
    if rng.random() < 0.3:
        rng.shuffle(out)
    return " ".join(out)


TYPES = ["problem", "treatment", "test", "DRUG", "X", "B-I", ""]
PREFIX = ["B", "I", "E", "S"]


def random_tags(n, scheme):
    tags = []
    for _ in range(n):
        r = rng.random()
        if r < 0.45:
            tags.append("O")
        elif r < 0.47:
            tags.append(rng.choice([".", "O", "B", "I", "X-problem", "B-", "I_test", "Btreatment"]))
        else:
            pre = rng.choice(PREFIX if scheme == "iobes" else ["B", "I"])
            typ = rng.choice(TYPES[:3] if rng.random() < 0.9 else TYPES)
            tags.append(f"{pre}-{typ}")
    return tags


def structured_tags(n, scheme):
    """Well-formed IOB2 or IOBES spans, the shape a model's parsed output has."""
    tags = ["O"] * n
    i = 0
    while i < n:
        if rng.random() < 0.3:
            length = rng.randint(1, 4)
            typ = rng.choice(TYPES[:3])
            end = min(n, i + length)
            for k in range(i, end):
                if scheme == "iobes":
                    tags[k] = ("S" if end - i == 1 else "B" if k == i else "E" if k == end - 1 else "I") + "-" + typ
                else:
                    tags[k] = ("B" if k == i else "I") + "-" + typ
            i = end
        i += 1
    return tags


def mutate_tags(tags, scheme):
    out = list(tags)
    for k in range(len(out)):
        r = rng.random()
        if r < 0.06:
            out[k] = "O"
        elif r < 0.1:
            out[k] = random_tags(1, scheme)[0]
        elif r < 0.13 and out[k] != "O":
            out[k] = out[k][0] + "-" + rng.choice(TYPES[:3])
    return out


def main():
    rouge_cases = []
    case = lambda name, t, p: {"name": name, "target": t, "prediction": p, "scores": rouge_all(t, p, False),
                                "stemmed": rouge_all(t, p, True)}
    for source, target, prediction in read_texts():
        rouge_cases.append(case(source, target, prediction))
    for i in range(200):
        lines = i % 2 == 0
        target = random_text(rng.randint(0, 60), lines)
        prediction = perturb(target) if rng.random() < 0.7 else random_text(rng.randint(0, 40), lines)
        if lines and rng.random() < 0.5:
            prediction = "\n".join(prediction.split(". "))
        rouge_cases.append(case(f"random {i}", target, prediction))
    for t, p in [("", ""), ("a", ""), ("", "a"), ("\n\n", "a\nb"), ("a b\n\nc", "c\na b"), ("!!!", "a"),
                 ("the cat\nthe cat", "the cat"), ("x y. z", "z. x y"), (" \n ", " ")]:
        rouge_cases.append(case("edge", t, p))

    real = sorted({w for _, t, _ in read_texts() for w in re.sub(r"[^a-z0-9]+", " ", t.lower()).split() if re.search("[a-z]", w)})
    words = sorted(set(VOCAB) | set(rng.sample(real, min(1500, len(real)))))
    stems = {w: porter(w) for w in words}

    seq_cases = []
    for i in range(200):
        scheme = "iobes" if i % 3 == 0 else "iob2"
        sentences = rng.randint(1, 5)
        lengths = [rng.randint(0, 15) for _ in range(sentences)]
        if i % 2 == 0:
            golds = [structured_tags(n, scheme) for n in lengths]
            preds = [mutate_tags(g, scheme) for g in golds]
        else:
            golds = [random_tags(n, scheme) for n in lengths]
            preds = [random_tags(n, scheme) if rng.random() < 0.5 else mutate_tags(g, scheme) for n, g in zip(lengths, golds)]
        seq_cases.append({"name": f"{scheme} {i}", "golds": golds, "preds": preds, "scores": seqeval_scores(golds, preds)})
    # Many types: the macro mean then goes through numpy's pairwise summation (8 running sums from 8 values on).
    for k in range(20):
        ntypes = rng.randint(8, 40)
        golds = [[t for _ in range(rng.randint(1, 4)) for t in (f"B-t{j}", f"I-t{j}", "O")] for j in range(ntypes)]
        preds = [[("O" if rng.random() < 0.3 else t) for t in s] for s in golds]
        seq_cases.append({"name": f"{ntypes} types", "golds": golds, "preds": preds, "scores": seqeval_scores(golds, preds)})
    for g, p in [([[]], [[]]), ([["O", "O"]], [["O", "O"]]), ([["B-X"]], [["O"]]), ([["O"]], [["I-X"]]),
                 ([["I-X", "I-X", "E-X", "S-X"]], [["B-X", "I-X", "I-X", "S-X"]]), ([["B-X", "I-Y"]], [["B-X", "I-X"]])]:
        seq_cases.append({"name": "edge", "golds": g, "preds": p, "scores": seqeval_scores(g, p)})

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"about": "generated by reference/py/make_rouge_seqeval_cases.py", "porter": stems,
                   "rouge": rouge_cases, "seqeval": seq_cases}, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    print(f"{len(rouge_cases)} rouge cases, {len(stems)} stems, {len(seq_cases)} seqeval cases -> {OUT}")


if __name__ == "__main__":
    main()
