#!/usr/bin/env python3
"""Generates tests/fixtures/datasets/bm25_goldens.json: rank_bm25's BM25Okapi scores of a few
real questions against a pool of real questions, for datasets/bm25_index.cpp and the Bm25
kind of datasets/fewshot_retriever.cpp to match.

  pool      the first 24 question stems of ARC-Easy dev, the first 3 questions of C-Eval
            computer_network dev and of high_school_physics dev (30 texts)
  queries   the first 3 ARC-Easy test stems, C-Eval computer_network val row 1, and pool
            item 5 itself (the retriever leaves out pool texts identical to the query)
  tokens    the tokeniser below on the queries and on a few mixed-script strings
  scores    BM25Okapi(tokenised pool, k1=1.5, b=0.75, epsilon=0.25).get_scores(tokens)
  top       the 5 best pool indexes by score, ties to the lower index, without pool texts
            identical to the query

The tokeniser (the same as bm25_tokens() in C++): ASCII letters and digits make words,
lower-cased; other code points that str.isalnum() accepts join words unchanged; every CJK
ideograph (the ranges of BERT's tokenization._is_chinese_char) is a token by itself;
everything else separates.

Only the texts above go into the fixture; the datasets are read from --data-dir (default:
../shared/datasets next to the repository). pip install rank_bm25==0.2.2 numpy (tested
with numpy 2.4.6, Python 3.11.7). Run from the repository root:
python3 scripts/gen/bm25_goldens.py [--data-dir DIR]"""
import argparse
import csv
import importlib.metadata
import json
import os
import sys

import numpy as np
from rank_bm25 import BM25Okapi

OUT = "tests/fixtures/datasets/bm25_goldens.json"
K = 5


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def tokens(text):
    out, word = [], []

    def flush():
        if word:
            out.append("".join(word))
            word.clear()

    for ch in text:
        cp = ord(ch)
        if is_cjk(cp):
            flush()
            out.append(ch)
        elif cp < 0x80:
            if ch.isalnum():
                word.append(ch.lower())
            else:
                flush()
        elif ch.isalnum():
            word.append(ch)
        else:
            flush()
    flush()
    return out


def arc_stems(path, n):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["question"]["stem"] for line in fh if line.strip()][:n]


def ceval_questions(path, n):
    with open(path, encoding="utf-8", newline="") as fh:
        return [row["question"] for row in csv.DictReader(fh)][:n]


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.path.join(repo, "..", "shared", "datasets"))
    args = parser.parse_args()
    data = args.data_dir

    pool = (arc_stems(os.path.join(data, "arc/ARC-Easy/ARC-Easy-Dev.jsonl"), 24)
            + ceval_questions(os.path.join(data, "ceval/dev/computer_network_dev.csv"), 3)
            + ceval_questions(os.path.join(data, "ceval/dev/high_school_physics_dev.csv"), 3))
    queries = (arc_stems(os.path.join(data, "arc/ARC-Easy/ARC-Easy-Test.jsonl"), 3)
               + ceval_questions(os.path.join(data, "ceval/val/computer_network_val.csv"), 2)[1:]
               + [pool[5]])

    bm25 = BM25Okapi([tokens(text) for text in pool], k1=1.5, b=0.75, epsilon=0.25)
    rows = []
    for query in queries:
        scores = bm25.get_scores(tokens(query))
        order = sorted(range(len(pool)), key=lambda i: (-scores[i], i))
        top = [i for i in order if pool[i] != query][:K]
        rows.append({"query": query, "scores": [float(s) for s in scores], "top": top,
                     "top_scores": [float(scores[i]) for i in top]})

    samples = queries + ["Hello, World! x2y under_score ÉCOLE café", "ＡＢＣ１２３ 東京タワー 서울 Москва",
                         "A、B 两物体的动量之比为 2:1", "", "  \t\n", "𠀀𠀁 (CJK extension B)"]
    out = {
        "generated_by": "scripts/gen/bm25_goldens.py",
        "versions": {"python": sys.version.split()[0], "rank_bm25": importlib.metadata.version("rank_bm25"),
                     "numpy": np.__version__, "unicode": __import__("unicodedata").unidata_version},
        "k": K,
        "pool": pool,
        "tokens": [{"text": text, "tokens": tokens(text)} for text in samples],
        "queries": rows,
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print(f"{len(pool)} pool texts, {len(rows)} queries", file=sys.stderr)


if __name__ == "__main__":
    main()
