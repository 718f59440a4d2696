"""Oracle cases for mellama's eval metrics, computed with scikit-learn (Debian's python3-sklearn).

Writes test/fixtures/eval/metrics/sklearn_cases.json. Run from the repository root:
    /usr/bin/python3 reference/py/make_metric_cases.py
Cases mirror how Me-LLaMA's vital_measure.py calls sklearn:
- single-label: f1_score(golds, preds, average="weighted"|"macro", labels=list(set(golds))), with "missing"
  predictions and labels that are predicted but never gold;
- HoC multi-label: f1_score(preds, golds, average="macro") over N x 10 indicator matrices (arguments swapped as
  in the source) and the per-label f1_score(gold_col, pred_col, average="binary").
The zero_division default ("warn") of the installed version is recorded; warnings are silenced.
rouge-score and seqeval are not installed here: make_rouge_seqeval_cases.py implements them from their definitions. With python3-nltk
installed, NLTK's PorterStemmer (the stemmer rouge-score's use_stemmer option calls) is recorded on a word list;
with python3-bs4, BeautifulSoup's html.parser top-level children (what the i2b2 scorer walks) on tricky HTML.
"""
import json
import random
import warnings

import numpy as np
import sklearn
from sklearn.metrics import f1_score

warnings.filterwarnings("ignore")
rng = random.Random(20240601)


def single_label_case(name, golds, preds):
    labels = list(set(golds))
    return {
        "name": name,
        "golds": golds,
        "preds": preds,
        "weighted": float(f1_score(np.array(golds), np.array(preds), average="weighted", labels=labels)),
        "macro": float(f1_score(np.array(golds), np.array(preds), average="macro", labels=labels)),
    }


def random_single(name, n, labels, extra, p_correct):
    golds = [rng.choice(labels) for _ in range(n)]
    preds = [g if rng.random() < p_correct else rng.choice(labels + extra) for g in golds]
    return single_label_case(name, golds, preds)


def multilabel_case(name, golds, preds):
    g = np.array(golds)
    p = np.array(preds)
    return {
        "name": name,
        "golds": golds,
        "preds": preds,
        "macro_swapped": float(f1_score(p, g, average="macro")),
        "per_label": [float(f1_score(g[:, j], p[:, j], average="binary")) for j in range(g.shape[1])],
    }


def random_multi(name, n, width, p_pos, p_flip, dead_columns=()):
    golds = [[0 if j in dead_columns else int(rng.random() < p_pos) for j in range(width)] for _ in range(n)]
    preds = [[0 if j in dead_columns else (1 - v if rng.random() < p_flip else v) for j, v in enumerate(row)] for row in golds]
    return multilabel_case(name, golds, preds)


single = [
    single_label_case("all correct", ["yes", "no", "maybe", "yes"], ["yes", "no", "maybe", "yes"]),
    single_label_case("missing only", ["yes", "no", "maybe"], ["missing", "missing", "missing"]),
    single_label_case("gold class never predicted", ["a", "a", "b", "c"], ["a", "b", "b", "missing"]),
    single_label_case("predicted label not in gold", ["a", "a", "b"], ["c", "a", "c"]),
    random_single("pubmedqa-like", 60, ["yes", "no", "maybe"], ["missing"], 0.6),
    random_single("ddi-like", 120, ["DDI-effect", "DDI-mechanism", "DDI-advise", "DDI-false", "DDI-int"], ["missing"], 0.5),
    random_single("mtsample-like", 150, [f"spec{i}" for i in range(12)], ["missing", "surgery"], 0.4),
]
multi = [
    random_multi("hoc-like", 40, 10, 0.25, 0.15),
    random_multi("hoc with dead label", 30, 10, 0.3, 0.2, dead_columns=(9,)),
    multilabel_case("all zeros", [[0, 0, 0]] * 3, [[0, 0, 0]] * 3),
    multilabel_case("pred-only positives", [[0, 1], [0, 0]], [[1, 1], [1, 0]]),
]

def porter_cases():
    """NLTK 3.8's PorterStemmer (NLTK_EXTENSIONS, what rouge-score uses) on a word list: the rule examples of
    Porter's paper and NLTK's irregular forms, plus frequent words of the shared HoC abstracts and WikiText-2.
    Skipped (None) when python3-nltk is not installed."""
    try:
        from nltk.stem import porter
    except ImportError:
        return None
    import collections
    import glob
    import os
    import re
    stemmer = porter.PorterStemmer()
    words = set("""caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized
        hopping tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci
        hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator
        feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative
        formalize electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable
        defensible irritant replacement adjustment dependent adoption homologou communism activate angulariti
        homologous effective bowdlerize probate rate cease controll roll dying lying tying news innings outings
        cannings howe proceed exceed succeed skies spies died tied enjoy enjoyment generously analogi
        fulli beautifulli ion ions sion oed""".split())
    data = os.environ.get("MELLAMA_DATA", "../shared/data")
    counts = collections.Counter()
    for path in sorted(glob.glob(os.path.join(data, "hoc/text/*.txt")))[:200] + [os.path.join(data, "wikitext2/valid.txt")]:
        if os.path.exists(path):
            counts.update(w for w in re.findall(r"[a-z]+", open(path).read().lower()) if len(w) > 3)
    words.update(w for w, _ in counts.most_common(600))
    return [[w, stemmer.stem(w)] for w in sorted(words)]


def html_cases():
    """BeautifulSoup(html, "html.parser") top-level children as Me-LLaMA's i2b2 scorer walks them: text nodes
    (NavigableString, comments included) and tags with their first class and get_text()."""
    try:
        from bs4 import BeautifulSoup, NavigableString, Tag
    except ImportError:
        return None
    htmls = [
        'He has <span class="problem">chest pain</span> and <span class="test">an ECG</span> .',
        'no <span class="problem big">chest <b>pain</b></span> &amp; fever',
        '<span class=treatment>aspirin</span><span class="drug">x</span>',
        'a < b and c > d',
        'stray </span> closing',
        'unclosed <span class="problem">cough and fever',
        'line<br>break upper <SPAN CLASS="test">CBC</SPAN>',
        'a<BR/>b c',
        'ab</x>cd',
        'a <span class="x"/> b',
        'x<span class="problem">a<br/>b</span>y',
        'comment <!-- hidden --> after',
        '<span>no class</span> <span class="">empty class</span> <span class="  test  other">spaced</span>',
        'entities &lt;5 mg&gt; &#945; &#x3b2; &nbsp;end &unknown; done',
        '<p>para <span class="problem">one</span></p> tail',
        '',
    ]
    out = []
    for html in htmls:
        nodes = []
        for child in BeautifulSoup(html, "html.parser").children:
            if isinstance(child, NavigableString):
                nodes.append({"kind": "text", "text": str(child)})
            elif isinstance(child, Tag):
                cls = child.attrs.get("class")
                nodes.append({"kind": "element", "tag": child.name, "className": cls[0] if cls else None, "text": child.get_text()})
        out.append({"html": html, "nodes": nodes})
    return out


out = {
    "generator": "reference/py/make_metric_cases.py",
    "sklearn_version": sklearn.__version__,
    "zero_division": "warn (0.0 with a warning) in this sklearn version",
    "tolerance": "1e-12 absolute: same formula in float64; labels=list(set(golds)) iterates in hash-seed order, so sklearn's own sums differ between runs in the last bit",
    "single_label": single,
    "multi_label": multi,
    "porter_nltk": porter_cases(),
    "html_top_level": html_cases(),
}
with open("test/fixtures/eval/metrics/sklearn_cases.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote", len(single), "single-label and", len(multi), "multi-label cases with sklearn", sklearn.__version__)
