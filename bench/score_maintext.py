#!/usr/bin/env python3
"""Scores main-text predictions with the Article Extraction Benchmark metric.

Usage: score_maintext.py GROUND_TRUTH PREDICTIONS [--json] [--worst N]
  GROUND_TRUTH: {id: {"articleBody": ...}} (AEB's ground-truth.json) or {id: text}
  PREDICTIONS:  {id: text}
The metric (as AEB's evaluate.py defines it): tokens are `\\w+` runs, each text becomes the
multiset of its 4-token shingles; per page tp/fp/fn are counted with multiplicity, precision
and recall are tp/(tp+fp) and tp/(tp+fn) (1 and 1 when fp = fn = 0, 0 and 0 when there is no
true positive), averaged over pages; F1 is computed from the two means.
"""

import json
import re
import sys
from collections import Counter

TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text, n=4):
    tokens = TOKEN_RE.findall(text or "")
    out = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        s = " ".join(tokens[i : i + n])
        if s:
            out.append(s)
    return Counter(out)


def tp_fp_fn(truth, pred):
    t = shingles(truth)
    p = shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    return tp, fp, fn


def precision_recall(tp, fp, fn):
    if fp == fn == 0:
        return 1.0, 1.0
    if tp == fp == 0 or tp == fn == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


def body(v):
    return v["articleBody"] if isinstance(v, dict) else v


def score(truth, preds):
    rows = []
    for key, v in sorted(truth.items()):
        p, r = precision_recall(*tp_fp_fn(body(v), preds.get(key, "")))
        rows.append((key, p, r))
    prec = sum(r[1] for r in rows) / len(rows) if rows else 0.0
    rec = sum(r[2] for r in rows) / len(rows) if rows else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"f1": f1, "precision": prec, "recall": rec, "pages": len(rows)}, rows


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    truth = json.load(open(args[0], encoding="utf-8"))
    preds = json.load(open(args[1], encoding="utf-8"))
    summary, rows = score(truth, preds)
    if "--worst" in args:
        n = int(args[args.index("--worst") + 1])
        for key, p, r in sorted(rows, key=lambda x: min(x[1], x[2]))[:n]:
            print(f"{key[:16]}  P={p:.3f} R={r:.3f}", file=sys.stderr)
    if "--json" in args:
        print(json.dumps(summary))
    else:
        print(
            f"F1={summary['f1']:.3f} precision={summary['precision']:.3f} "
            f"recall={summary['recall']:.3f} pages={summary['pages']}"
        )


if __name__ == "__main__":
    main()
