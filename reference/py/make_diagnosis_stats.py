"""Oracle cases for the diagnosis study's statistics: Cohen's kappa (scikit-learn), Fleiss' kappa, percent
agreement, percentile bootstrap confidence intervals and McNemar's test (numpy and the standard library only; no
scipy). Writes test/fixtures/eval/diagnosis/stats_cases.json. Run from the repository root:
    /usr/bin/python3 reference/py/make_diagnosis_stats.py

The bootstrap oracle re-implements mellama's seeded generator (src/util/rng.ts: SplitMix32 seeding a
xoshiro128** generator) so both sides draw the same resamples; everything computed on those resamples (top-K
accuracies, paired differences, kappas) and the interval (numpy.percentile, linear) is numpy's. The first
generator outputs are recorded too, so a drift in the generator shows up as itself, not as a wrong interval.
Fleiss' kappa is also checked against the worked example in Fleiss (1971) as reproduced on Wikipedia (0.210).
"""
import json
import math
import random
import warnings

import numpy as np
import sklearn
from sklearn.metrics import cohen_kappa_score

warnings.filterwarnings("ignore")
M32 = 0xFFFFFFFF


class Rng:
    def __init__(self, seed):
        x = seed & M32

        def nxt():
            nonlocal x
            x = (x + 0x9E3779B9) & M32
            z = x
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            return (z ^ (z >> 16)) & M32

        self.s = [nxt(), nxt(), nxt(), nxt() | 1]

    def u32(self):
        s0, s1, s2, s3 = self.s
        rotl = lambda v, k: ((v << k) | (v >> (32 - k))) & M32
        result = (rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def int(self, n):
        return math.floor(self.u32() / 4294967296 * n)


def indices(n, iters, seed):
    rng = Rng(seed)
    return np.array([[rng.int(n) for _ in range(n)] for _ in range(iters)], dtype=np.int64)


def ci(draws, alpha=0.05):
    d = np.asarray([v for v in draws if np.isfinite(v)])
    return {"low": float(np.percentile(d, 100 * alpha / 2)), "high": float(np.percentile(d, 100 * (1 - alpha / 2))), "valid": int(len(d))}


def fleiss(rows):
    cats = sorted({c for r in rows for c in r})
    counts = np.array([[r.count(c) for c in cats] for r in rows], dtype=float)
    n_units, m = counts.shape[0], counts.sum(axis=1)[0]
    p_j = counts.sum(axis=0) / (n_units * m)
    p_i = ((counts ** 2).sum(axis=1) - m) / (m * (m - 1))
    pe = float((p_j ** 2).sum())
    return float((p_i.mean() - pe) / (1 - pe))


def pct_agreement(rows):
    out = []
    for r in rows:
        m = len(r)
        same = sum(1 for i in range(m) for j in range(i + 1, m) if r[i] == r[j])
        out.append(same / (m * (m - 1) / 2))
    return float(np.mean(out))


def mcnemar(b, c):
    n = b + c
    if n == 0:
        return {"b": b, "c": c, "statistic": 0.0, "pChi2": 1.0, "pExact": 1.0}
    stat = max(0, abs(b - c) - 1) ** 2 / n
    p_exact = min(1.0, 2 * sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2 ** n)
    return {"b": b, "c": c, "statistic": stat, "pChi2": math.erfc(math.sqrt(stat / 2)), "pExact": p_exact}


r = random.Random(18)
VERDICTS = ["exact", "equivalent", "related", "wrong"]
out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__}

rng = Rng(20240)
out["rng_first"] = {"seed": 20240, "u32": [rng.u32() for _ in range(8)]}

# Cohen's kappa: four-way verdicts, binary correct/incorrect, skewed and perfect agreement.
cohen = []
for name, n, labels, noise in [("verdicts-40", 40, VERDICTS, 0.3), ("verdicts-200", 200, VERDICTS, 0.5), ("binary-60", 60, ["0", "1"], 0.2),
                               ("skewed-50", 50, ["wrong", "wrong", "wrong", "exact"], 0.35), ("perfect-12", 12, VERDICTS, 0.0)]:
    a = [r.choice(labels) for _ in range(n)]
    b = [x if r.random() >= noise else r.choice(labels) for x in a]
    cohen.append({"name": name, "a": a, "b": b, "kappa": float(cohen_kappa_score(a, b))})
out["cohen"] = cohen

# Fleiss' kappa and percent agreement.
wiki_counts = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
               [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
wiki = [[str(j + 1) for j, cnt in enumerate(row) for _ in range(cnt)] for row in wiki_counts]
fl = [{"name": "fleiss-1971-wikipedia", "ratings": wiki, "kappa": fleiss(wiki), "published": 0.210, "percent": pct_agreement(wiki)}]
for name, n, m in [("three-raters-30", 30, 3), ("four-raters-25", 25, 4), ("two-raters-40", 40, 2)]:
    rows = []
    for _ in range(n):
        base = r.choice(VERDICTS)
        rows.append([base if r.random() < 0.7 else r.choice(VERDICTS) for _ in range(m)])
    fl.append({"name": name, "ratings": rows, "kappa": fleiss(rows), "percent": pct_agreement(rows)})
out["fleiss"] = fl

# Bootstrap: top-1..top-K accuracy from first-correct ranks, a paired difference, and kappa.
ITERS, SEED = 400, 77
n, K = 35, 5
ranks_a = [r.choice([0, 1, 1, 1, 2, 3, 5]) for _ in range(n)]
ranks_b = [r.choice([0, 0, 1, 1, 2, 4]) for _ in range(n)]
hits = lambda ranks: np.array([[1.0 if 0 < x <= k else 0.0 for k in range(1, K + 1)] for x in ranks])
ha, hb = hits(ranks_a), hits(ranks_b)
idx = indices(n, ITERS, SEED)
topk = [ci(ha[idx][:, :, k].mean(axis=1)) for k in range(K)]
diff = [ci((ha[idx][:, :, k] - hb[idx][:, :, k]).mean(axis=1)) for k in range(K)]
ka = [r.choice(VERDICTS) for _ in range(n)]
kb = [x if r.random() < 0.6 else r.choice(VERDICTS) for x in ka]
kd = [float(cohen_kappa_score([ka[i] for i in row], [kb[i] for i in row])) for row in idx]
out["bootstrap"] = {"iters": ITERS, "seed": SEED, "n": n, "K": K, "ranks_a": ranks_a, "ranks_b": ranks_b,
                    "first_indices": idx[0].tolist(), "topk_ci": topk, "diff_ci": diff,
                    "kappa_a": ka, "kappa_b": kb, "kappa_ci": ci(kd)}

# Percentiles (numpy linear interpolation).
vals = [r.uniform(-3, 3) for _ in range(17)]
out["percentile"] = {"values": vals, "q": [0, 2.5, 10, 50, 97.5, 100], "expected": [float(np.percentile(vals, q)) for q in [0, 2.5, 10, 50, 97.5, 100]]}

# McNemar: small and large discordant counts, ties and the empty case.
out["mcnemar"] = [mcnemar(b, c) for b, c in [(0, 0), (1, 0), (3, 3), (2, 9), (9, 2), (15, 5), (40, 61), (120, 80), (0, 25)]]
a = [r.random() < 0.6 for _ in range(70)]
b = [r.random() < 0.45 for _ in range(70)]
out["mcnemar_paired"] = {"outcomes_a": a, "outcomes_b": b, **mcnemar(sum(1 for x, y in zip(a, b) if x and not y), sum(1 for x, y in zip(a, b) if y and not x))}
out["erfc"] = [{"x": x, "erfc": math.erfc(x)} for x in [-1.5, 0, 1e-3, 0.5, 1, 2, 2.49, 2.51, 3, 5, 8, 12]]

with open("test/fixtures/eval/diagnosis/stats_cases.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
print("fleiss wikipedia", fl[0]["kappa"], "cohen", [c["kappa"] for c in cohen])
