"""Paper-mode oracle: Me-LLaMA's own parsing and metric code, run on synthetic outputs.

Usage (from the repository root; needs a checkout of BIDS-Xu-Lab/Me-LLaMA at 08c893f2, scikit-learn and bs4):
    /usr/bin/python3 reference/py/make_paper_cases.py <path to Me-LLaMA>/src/tasks/vital_measure.py
vital_measure.py cannot be imported here (it needs lm_eval, evaluate, spacy, bart_score), so it is parsed with `ast`
and the functions that decide the paper's numbers are compiled from it unchanged and run with stand-ins for
their imports: Classification.process_results / weighted_f1 / macro_f1, DDI2013.process_results,
HoC.process_results / binary_f1 / macro_label_f1, NormQA.process_results / compute_f1, align_tokens and
NER.html2bio (with a whitespace tokenizer standing in for spaCy, so the TypeScript side runs html2bio with the
same stand-in). Writes test/fixtures/eval/tasks/paper_cases.json.
"""
import ast
import json
import random
import sys
import warnings

import numpy as np
from bs4 import BeautifulSoup, NavigableString, Tag
from sklearn.metrics import f1_score

warnings.filterwarnings("ignore")
tree = ast.parse(open(sys.argv[1]).read())
namespace = {"np": np, "f1_score": f1_score, "bs": BeautifulSoup, "NavigableString": NavigableString, "Tag": Tag}


def compile_def(node):
    exec(compile(ast.Module(body=[node], type_ignores=[]), sys.argv[1], "exec"), namespace)
    return namespace[node.name]


classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def method(cls, name):
    return compile_def(next(n for n in classes[cls].body if isinstance(n, ast.FunctionDef) and n.name == name))


namespace["align_tokens"] = compile_def(functions["align_tokens"])


class Tok:
    def __init__(self, text):
        self.text = text


class Paper:
    CALCULATE_MCC = False
    FIRST_LETTER = False
    py_nlp = staticmethod(lambda text: [Tok(t) for t in text.split()])
    entity_list = ["problem", "treatment", "test", "drug"]
    CHOICES = ["sustaining proliferative signaling", "evading growth suppressors", "resisting cell death",
               "enabling replicative immortality", "inducing angiogenesis", "activating invasion and metastasis",
               "genomic instability and mutation", "tumor promoting inflammation", "cellular energetics",
               "avoiding immune destruction"]


for name in ["process_results", "weighted_f1", "macro_f1"]:
    setattr(Paper, "cls_" + name, method("Classification", name))
Paper.ddi_process_results = method("DDI2013", "process_results")
Paper.hoc_process_results = method("HoC", "process_results")
Paper.binary_f1 = method("HoC", "binary_f1")
Paper.macro_label_f1 = method("HoC", "macro_label_f1")
Paper.qa_process_results = method("NormQA", "process_results")
Paper.compute_f1 = method("NormQA", "compute_f1")
Paper.html2bio = method("NER", "html2bio")

rng = random.Random(7)


def classification(task, choices, lower, rule, golds, outputs):
    paper = Paper()
    paper.LOWER_CASE = lower
    samples = []
    for gold, output in zip(golds, outputs):
        doc = {"choices": choices, "gold": choices.index(gold)}
        r = (paper.ddi_process_results if rule == "exactlyOne" else paper.cls_process_results)(doc, [output])
        samples.append({"gold": gold, "output": output, "parsed": r["f1"][0], "goldLabel": r["f1"][1], "acc": r["acc"], "missing": r["missing"]})
    items = [(s["parsed"], s["goldLabel"]) for s in samples]
    return {"task": task, "samples": samples, "acc": float(np.mean([s["acc"] for s in samples])),
            "f1": float(paper.cls_weighted_f1(items)), "macro_f1": float(paper.cls_macro_f1(items))}


def noisy(choices, gold, extras):
    kind = rng.randrange(6)
    other = rng.choice(choices)
    if kind == 0:
        return gold
    if kind == 1:
        return f"  {gold.upper()}. "
    if kind == 2:
        return f"The answer is {other}, not {gold}."
    if kind == 3:
        return rng.choice(extras)
    if kind == 4:
        return f"{gold.lower()} or {other}"
    return ""


ynm = ["yes", "no", "maybe"]
pub_golds = [rng.choice(ynm) for _ in range(80)]
pub = classification("pubmedqa", ynm, True, "first", pub_golds,
                     [noisy(ynm, g, ["I do not know", "yesterday", "Maybe.", "NO", "uncertain"]) for g in pub_golds])
letters = ["A", "B", "C", "D", "E"]
mq_golds = [rng.choice(letters[:4]) for _ in range(80)]
medqa = classification("medqa", letters, False, "first", mq_golds,
                       [noisy(letters, g, ["A 45-year-old man", "b", "(C) is right", "Answer: D", "none"]) for g in mq_golds])
mts = ["Surgery", "Urology", "Neurology", "Neurosurgery", "Cosmetic / Plastic Surgery", "Office Notes", "Letters"]
mt_golds = [rng.choice(mts) for _ in range(80)]
mtsample = classification("mtsample", mts, True, "first", mt_golds,
                          [noisy(mts, g, ["neurology consult", "SURGERY", "progress notes", "letter"]) for g in mt_golds])
ddi = ["DDI-effect", "DDI-mechanism", "DDI-advise", "DDI-false", "DDI-int"]
ddi_golds = [rng.choice(ddi) for _ in range(80)]
ddi2013 = classification("ddi2013", ddi, False, "exactlyOne", ddi_golds,
                         [noisy(ddi, g, ["ddi-effect", "DDI-false DDI-false", "DDI-interaction", "DDI-int and DDI-effect"]) for g in ddi_golds])

paper = Paper()
hoc_samples = []
for _ in range(60):
    gold = [int(rng.random() < 0.25) for _ in range(10)]
    picked = [c for c, g in zip(Paper.CHOICES, gold) if (g and rng.random() < 0.8) or (not g and rng.random() < 0.1)]
    text = rng.choice(["; ", ", ", "\n"]).join(c.upper() if rng.random() < 0.1 else c for c in picked)
    r = paper.hoc_process_results({"choices": Paper.CHOICES, "gold": gold}, [text])
    hoc_samples.append({"gold": gold, "output": text, "pred": r["macro_f1"][0]})
hoc = {"task": "hoc", "samples": hoc_samples,
       "per_label": [float(paper.binary_f1([(s["pred"][j], s["gold"][j]) for s in hoc_samples])) for j in range(10)],
       "macro_f1": float(paper.macro_label_f1([(s["pred"], s["gold"]) for s in hoc_samples]))}

qa_pairs = [("hypertension", "hypertension"), ("Hypertension.", "hypertension"), ("the pain", "pain"), ("ab", "a b"),
            ("", ""), ("", "x"), ("Creatinine peaked at 2.1", "creatinine 2.1"), ("aaa", "a"), ("No acute process!", "no acute process")]
emrqa = {"task": "emrqa", "samples": [{"output": o, "answer": a, **{k: float(v) for k, v in
          paper.qa_process_results({"answer": a}, [o]).items()}} for o, a in qa_pairs]}

htmls = [
    ('He has <span class="problem">chest pain</span> today .', 'He has <span class="problem">chest pain</span> today .'),
    ('He has chest <span class="problem">pain today</span> .', 'He has <span class="problem">chest pain</span> today .'),
    ('<span class="problem">chest pain</span> today', 'chest pain <span class="test">today</span>'),
    ('He has severe <span class="problem">chest pain</span> .', 'He has <span class="problem">chest pain</span> .'),
    ('Given <span class="treatment">aspirin81</span> daily', 'Given <span class="treatment">aspirin</span> 81 daily'),
    ('<span class="drug">x-ray</span> and <span class="other">y</span>', '<span class="test">x-ray</span> and y'),
]
i2b2 = {"task": "i2b2", "samples": []}
for p, g in htmls:
    pred_tags, gold_tags = paper.html2bio(p, g)
    i2b2["samples"].append({"prediction": p, "gold": g, "predTags": list(pred_tags), "goldTags": list(gold_tags)})

with open("test/fixtures/eval/tasks/paper_cases.json", "w") as f:
    json.dump({"generator": "reference/py/make_paper_cases.py",
               "source": "BIDS-Xu-Lab/Me-LLaMA@08c893f27bcd879aa65f17bb9643697a574ca2aa src/tasks/vital_measure.py",
               "spacy_stand_in": "str.split()",
               "cases": [pub, medqa, mtsample, ddi2013, hoc, emrqa, i2b2]}, f, indent=1)
print("wrote paper cases")
