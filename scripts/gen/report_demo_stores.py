#!/usr/bin/env python3
"""Writes two synthetic result stores for the README's pictures of the HTML report
(scripts/gen/report_screenshots.sh draws them):

  OUT/leaderboard/sextant.db  three made-up models ("demo-135m", "demo-360m", "demo-1.7b") on
                              the core suite's 15 datasets, 200 samples each
  OUT/training/sextant.db     one made-up training run ("demo-train"), checkpoints at steps
                              100..500 whose scores rise, 100 samples per dataset

The numbers are invented (seeded, so the pictures are reproducible) and show nothing about
any real model. The layout is read from harness/store/result_store.cpp, so the stores are
what `sextant eval` writes.

usage: report_demo_stores.py OUT
"""
import hashlib
import json
import math
import pathlib
import random
import re
import sqlite3
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The core suite: (dataset, mode, dimension, metric, options for a multiple-choice question or 0).
CORE = [
    ("mmlu", "few-shot", "Exam", "acc", 4), ("mmlu_cloze", "zero-shot", "Exam", "acc_norm_nospace", 4),
    ("ceval", "few-shot", "Exam", "acc", 4), ("arc_easy", "zero-shot", "Exam", "acc_norm_nospace", 4),
    ("arc_challenge", "zero-shot", "Exam", "acc_norm_nospace", 4),
    ("flores200_eng_fra", "zero-shot", "Language", "chrf", 0), ("flores200_fra_eng", "zero-shot", "Language", "chrf", 0),
    ("winogrande", "zero-shot", "Language", "acc", 2), ("boolq", "zero-shot", "Knowledge", "acc", 2),
    ("nq_open", "zero-shot", "Knowledge", "exact_match", 0), ("c3", "zero-shot", "Understanding", "acc", 4),
    ("lambada", "zero-shot", "Understanding", "acc", 0), ("hellaswag", "zero-shot", "Reasoning", "acc_norm_nospace", 4),
    ("gsm8k", "cot", "Reasoning", "number_match", 0), ("humaneval", "zero-shot", "Reasoning", "pass@1", 0),
]
LETTERS = "ABCD"


def layout():
    source = (ROOT / "harness/store/store_layout.hpp").read_text()
    schema = re.search(r'kStoreSchema = R"sql\((.*?)\)sql"', source, re.S).group(1)
    version = int(re.search(r"kStoreLayoutVersion = (\d+);", source).group(1))
    return schema, version


def open_store(path):
    path.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path / "sextant.db")
    schema, version = layout()
    db.executescript(schema)
    db.execute(f"PRAGMA user_version = {version}")
    return db


def mean_interval(scores):
    n = len(scores)
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    half = 1.959963984540054 * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def sample(rng, dataset, options, item, right, partial):
    """One stored sample: a made-up question, the model's output and how it scored."""
    if options:
        reference = LETTERS[item % options] if options == 4 else ["A", "B"][item % 2]
        choices = LETTERS[:options] if options == 4 else "AB"
        answer = reference if right else rng.choice([c for c in choices if c != reference])
        prompt = (f"The following is a multiple choice question ({dataset}).\n\nQuestion {item}: which option "
                  f"is correct?\n" + "\n".join(f"{c}. option {c.lower()}" for c in choices) + "\nAnswer:")
        return prompt, " " + answer, answer, reference, 1.0 if right else 0.0
    if partial:  # chrF: a score between 0 and 1
        score = round(min(1.0, max(0.0, rng.gauss(partial, 0.15))), 4)
        return (f"Translate: sentence number {item} of the demo set.\nTranslation:", f" la phrase numéro {item}",
                f"la phrase numéro {item}", f"la phrase numéro {item} du jeu", score)
    reference = str(item * 7 % 97)
    answer = reference if right else str((item * 7 + 3) % 97)
    prompt = f"Question {item}: what is {item} times 7, modulo 97?\nLet's think step by step."
    output = f" {item} times 7 is {item * 7}; modulo 97 that is {answer}. The answer is {answer}."
    return prompt, output, answer, reference, 1.0 if right else 0.0


def add_run(db, rng, started, name, identity, quality, items, step=None):
    cur = db.execute(
        "INSERT INTO runs (started_at, finished_at, model, model_path, model_identity, command, suite) "
        "VALUES (?, ?, ?, ?, ?, ?, 'core')",
        (started, started.replace("T09", "T11"), name, f"models/{name}.gguf", identity,
         f"sextant eval --model {name} --suite core --limit {items}"))
    run = cur.lastrowid
    db.execute("INSERT OR IGNORE INTO models (identity, name, path, step) VALUES (?, ?, ?, ?)",
               (identity, name, f"models/{name}.gguf", step))
    for dataset, mode, dimension, metric, options in CORE:
        task = hashlib.sha256(f"{identity}:{dataset}:{mode}".encode()).hexdigest()[:16]
        version = hashlib.sha256(f"{dataset}:{mode}".encode()).hexdigest()[:6]
        chance = 1 / options if options else 0.0
        p = min(0.97, chance + (1 - chance) * quality[dimension] * rng.uniform(0.8, 1.2))
        db.execute("INSERT OR IGNORE INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, '{}')",
                   (task, dataset, mode, dimension, identity, version, metric))
        scores = []
        for item in range(items):
            prompt, output, answer, reference, score = sample(
                rng, dataset, options, item, rng.random() < p, p if metric == "chrf" else 0)
            scores.append(score)
            db.execute("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?)",
                       (task, item, hashlib.sha256(prompt.encode()).hexdigest()[:16], prompt, output, answer,
                        reference, score, json.dumps({"tokens": len(output.split())})))
        value, low, high = mean_interval(scores)
        rows = [(metric, value, low, high, 1), ("truncation_rate", 0.0, 0.0, 0.0, 0)]
        if mode in ("gen", "cot") or metric in ("exact_match", "number_match"):
            rows.append(("extraction_rate", 0.98, 0.95, 1.0, 0))
        for m, v, lo, hi, headline in rows:
            db.execute("INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (run, task, dataset, mode, dimension, m, v, lo, hi, items, version, headline))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    rng = random.Random(20240601)
    db = open_store(out / "leaderboard")
    # How far above chance each model gets, per dimension.
    models = [("demo-135m", {"Exam": 0.10, "Language": 0.35, "Knowledge": 0.15, "Understanding": 0.30, "Reasoning": 0.15}),
              ("demo-360m", {"Exam": 0.20, "Language": 0.45, "Knowledge": 0.25, "Understanding": 0.45, "Reasoning": 0.25}),
              ("demo-1.7b", {"Exam": 0.40, "Language": 0.60, "Knowledge": 0.45, "Understanding": 0.65, "Reasoning": 0.45})]
    for day, (name, quality) in enumerate(models):
        identity = hashlib.sha256(name.encode()).hexdigest()[:16]
        add_run(db, rng, f"2024-06-0{day + 1}T09:00:00Z", name, identity, quality, 200)
    db.commit()

    db = open_store(out / "training")
    for k, step in enumerate(range(100, 600, 100)):
        grown = 0.08 + 0.11 * k
        quality = {"Exam": grown * 0.6, "Language": grown * 1.1, "Knowledge": grown * 0.8,
                   "Understanding": grown * 1.2, "Reasoning": grown * 0.7}
        identity = hashlib.sha256(f"demo-train@{step}".encode()).hexdigest()[:16]
        add_run(db, rng, f"2024-06-0{k + 1}T09:00:00Z", "demo-train", identity, quality, 100, step)
    db.commit()


if __name__ == "__main__":
    main()
