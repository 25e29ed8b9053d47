#!/usr/bin/env python3
"""Generates tests/fixtures/tokenizer/bpe_trainer_goldens.json: the vocabularies and merges that
Hugging Face tokenizers' BpeTrainer learns from tests/fixtures/tokenizer/bpe_trainer_fixture.txt,
for trainer/tokenizer/bpe_trainer.cpp to reproduce.

  documents   the fixture split on blank lines (Python's str.split("\\n\\n"))
  model       models.BPE() with a ByteLevel decoder, no normalizer
  pre         "smollm": Sequence([Digits(individual_digits=True), ByteLevel(add_prefix_space=False)]),
              "gpt2": ByteLevel(add_prefix_space=False), both use_regex=True
  trainer     trainers.BpeTrainer(vocab_size, min_frequency, special_tokens,
              initial_alphabet=ByteLevel.alphabet(), show_progress=False)

Each run records the vocabulary by id ("tokens"), the merges in rank order and
"comparable_merges": how many leading merges the C++ trainer must match. Hugging Face differs
from it (by design) once a merge makes a token whose text already exists, e.g. "ab"+"c" after
"a"+"bc": it then keeps the new neighbours of that reused id in a separate heap entry and can
merge one pair twice at two counts. So the comparison stops after the first merge whose text an
earlier merge already made (all merges when there is none); "comparable_tokens" is the number of
ids those merges define.

--make-fixture rewrites the fixture from the shared corpora (default ../shared/corpora beside
the repository): the first 4,000 bytes of tinyshakespeare.txt (public domain) and the first
1,600 of chinese_poetry_flat.txt (classical poems, public domain), each cut at a blank line,
then a paragraph written here with digits, emoji, tabs and runs of spaces.

pip install tokenizers (tested with tokenizers 0.23.3, Python 3.11.7). Run from the repository
root: python3 scripts/gen/bpe_trainer_goldens.py [--make-fixture [--corpora-dir DIR]]"""
import argparse
import importlib.metadata
import json
import os
import sys

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

FIXTURE = "tests/fixtures/tokenizer/bpe_trainer_fixture.txt"
OUT = "tests/fixtures/tokenizer/bpe_trainer_goldens.json"
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
RUNS = [
    {"name": "smollm vocab 600", "pre_tokenizer": "smollm", "vocab_size": 600, "min_frequency": 0},
    {"name": "smollm min_frequency 4", "pre_tokenizer": "smollm", "vocab_size": 100000, "min_frequency": 4},
    {"name": "gpt2 vocab 520", "pre_tokenizer": "gpt2", "vocab_size": 520, "min_frequency": 0},
]
EXTRA = ("In 1599 the Globe sold 3,000 seats at 1d each; by 2024 a ticket cost \u00a35.50 "
         "\U0001F3AD\U0001F3AD\U0001F389 and the queue was  two   spaces\tand a tab long.\n"
         "Numbers: 0 12 345 6789 3.14159 42nd 1st 2nd 3rd \u2014 isn't it, wouldn't you, we'll, they've?\n"
         "\u4e2d\u6587\u548c English mixed: 2024\u5e74\u76845\u670812\u65e5, "
         "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \U0001F600 \U0001F44D\U0001F3FD\n")


def head_at_blank_line(path, limit):
    with open(path, encoding="utf-8") as f:
        text = f.read(limit * 2)
    cut = text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
    return cut[: cut.rindex("\n\n") + 2]


def make_fixture(corpora):
    text = (head_at_blank_line(os.path.join(corpora, "pretrain_en", "tinyshakespeare.txt"), 4000)
            + head_at_blank_line(os.path.join(corpora, "pretrain_zh", "chinese_poetry_flat.txt"), 1600) + EXTRA)
    with open(FIXTURE, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def pre_tokenizer(kind):
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if kind == "gpt2":
        return byte_level
    return pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])


def train(documents, run):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizer(run["pre_tokenizer"])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=run["vocab_size"], min_frequency=run["min_frequency"],
                                  special_tokens=SPECIALS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(documents, trainer)
    model = json.loads(tok.to_str())["model"]
    tokens = [None] * len(model["vocab"])
    for text, i in model["vocab"].items():
        tokens[i] = text
    assert None not in tokens, "ids with no token"
    merges = [m if isinstance(m, list) else m.split(" ", 1) for m in model["merges"]]
    made, comparable, new_tokens = set(), len(merges), 0
    for i, (left, right) in enumerate(merges):
        if left + right in made:
            comparable = i + 1
            break
        made.add(left + right)
        new_tokens += 1
    return dict(run, special_tokens=SPECIALS, tokens=tokens, merges=merges, comparable_merges=comparable,
                comparable_tokens=len(SPECIALS) + 256 + new_tokens)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--make-fixture", action="store_true")
    parser.add_argument("--corpora-dir", default=os.path.join("..", "shared", "corpora"))
    args = parser.parse_args()
    if args.make_fixture:
        make_fixture(args.corpora_dir)
    with open(FIXTURE, encoding="utf-8", newline="") as f:
        documents = f.read().split("\n\n")
    out = {
        "generated_by": "scripts/gen/bpe_trainer_goldens.py with tokenizers "
                        + importlib.metadata.version("tokenizers"),
        "fixture": os.path.basename(FIXTURE),
        "runs": [train(documents, run) for run in RUNS],
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for run in out["runs"]:
        print(f"{run['name']}: {len(run['tokens'])} tokens, {len(run['merges'])} merges, "
              f"comparable {run['comparable_merges']}", file=sys.stderr)


if __name__ == "__main__":
    main()
