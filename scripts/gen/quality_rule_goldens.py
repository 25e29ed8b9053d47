#!/usr/bin/env python3
"""Generates tests/fixtures/trainer/quality_rule_goldens.json: real paragraphs from the shared
corpora with the Gopher measures and verdicts of the reference implementation, datatrove's
GopherQualityFilter and GopherRepetitionFilter, for tests/trainer/quality_rules_test.cpp.

  repetition measures  datatrove's own helpers, applied as GopherRepetitionFilter.filter applies
                       them: find_duplicates over re.split(r"\\n{2,}", text.strip()) and
                       re.split("\\n+", text), find_top_duplicate(get_n_grams(words, n)) for
                       n = 2..4, find_all_duplicate(words, n) for n = 5..10, each over len(text)
  quality measures     GopherQualityFilter.filter's expressions, transcribed below (the filter
                       returns only a verdict)
  verdicts             the filters themselves with their default thresholds (the stop-word
                       rule off, as sextant's defaults have it), mapped to sextant's rule keys

Two deliberate differences, patched into the reference so that the goldens test the measures:
- Words: datatrove splits them with NLTK's English tokenizer; sextant splits on whitespace (with
  CJK characters as words of their own), so that the rules need no per-language tokenizer. The
  reference runs with split_into_words replaced by str.split, which is what sextant's split
  gives on text without CJK characters; the texts are chosen to have none.
- Symbol words: datatrove's PUNCTUATION_SET is a hand-made list (it leaves out '·', '§', '©',
  and has the fullwidth digit '１'); sextant takes every character of Unicode category P*, S*
  or Cc. The reference runs with that set.

Selection: the opening of Alice in Wonderland, the first lines of tinyshakespeare, the first
WikiText-2 article, an MBPP solution, a DailyDialog line, and from the 300 C4 documents of
llamafactory_c4_demo.jsonl (at most 4000 characters each, in file order): the first four that
pass both filters and the first that fails each rule that fails on any of them.

pip install datatrove==0.10.1 (tested with Python 3.11.7), outside the repository.
Run from the repository root: python3 scripts/gen/quality_rule_goldens.py [shared/corpora dir]
(default ../shared/corpora)."""
import importlib.metadata
import json
import re
import sys

import numpy as np
from datatrove.data import Document
from datatrove.pipeline.filters import gopher_quality_filter as gq
from datatrove.pipeline.filters import gopher_repetition_filter as gr
import unicodedata

OUT = "tests/fixtures/trainer/quality_rule_goldens.json"
CORPORA = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora"


def split_words(text, language=None):
    return text.split()


# Every code point of category P*, S* or Cc.
SYMBOLS = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c))[0] in "PS" or unicodedata.category(chr(c)) == "Cc"}

gq.split_into_words = split_words
gr.split_into_words = split_words
gq.PUNCTUATION_SET = SYMBOLS

QUALITY = gq.GopherQualityFilter(min_stop_words=None)
REPETITION = gr.GopherRepetitionFilter()

REASONS = {
    "gopher_short_doc": "min_words",
    "gopher_long_doc": "max_words",
    "gopher_below_avg_threshold": "min_mean_word_length",
    "gopher_above_avg_threshold": "max_mean_word_length",
    "gopher_too_many_hashes": "max_hash_to_word_ratio",
    "gopher_too_many_ellipsis": "max_ellipsis_to_word_ratio",
    "gopher_too_many_bullets": "max_bullet_line_fraction",
    "gopher_too_many_end_ellipsis": "max_ellipsis_line_fraction",
    "gopher_below_alpha_threshold": "max_non_alpha_word_fraction",
    "dup_para_frac": "max_duplicate_paragraph_fraction",
    "dup_para_char_frac": "max_duplicate_paragraph_char_fraction",
    "dup_line_frac": "max_duplicate_line_fraction",
    "dup_line_char_frac": "max_duplicate_line_char_fraction",
}
for n in (2, 3, 4):
    REASONS[f"top_{n}_gram"] = f"max_top_{n}gram_char_fraction"
for n in range(5, 11):
    REASONS[f"duplicated_{n}_n_grams"] = f"max_duplicate_{n}gram_char_fraction"


def verdict(f, text):
    out = f.filter(Document(text=text, id="0"))
    return "" if out is True else REASONS[out[1]]


def quality_measures(text):
    """GopherQualityFilter.filter's expressions, as values rather than comparisons."""
    words = split_words(text)
    n_words = len(words)
    non_symbol_words = [w for w in words if any(ch not in SYMBOLS for ch in w)]
    lines = text.splitlines()
    return {
        "words": len(non_symbol_words),
        "mean_word_length": float(np.mean([len(w) for w in non_symbol_words])),
        "hash_to_word_ratio": text.count("#") / n_words,
        "ellipsis_to_word_ratio": (text.count("...") + text.count("…")) / n_words,
        "bullet_line_fraction": sum(s.lstrip().startswith("•") or s.lstrip().startswith("-") for s in lines)
        / len(lines),
        "ellipsis_line_fraction": sum(s.rstrip().endswith("...") or s.rstrip().endswith("…") for s in lines)
        / len(lines),
        "non_alpha_word_fraction": 1 - sum([any((c.isalpha() for c in w)) for w in words]) / n_words,
    }


def repetition_measures(text):
    m = {}
    paragraphs = REPETITION.paragraph_exp.split(text.strip())
    count, chars = gr.find_duplicates(paragraphs)
    m["duplicate_paragraph_fraction"] = count / len(paragraphs)
    m["duplicate_paragraph_char_fraction"] = chars / len(text)
    lines = REPETITION._line_splitter.split(text)
    count, chars = gr.find_duplicates(lines)
    m["duplicate_line_fraction"] = count / len(lines)
    m["duplicate_line_char_fraction"] = chars / len(text)
    words = split_words(text)
    for n in (2, 3, 4):
        n_grams = gr.get_n_grams(words, n)
        m[f"top_{n}gram_char_fraction"] = gr.find_top_duplicate(n_grams) / len(text) if n_grams else 0.0
    for n in range(5, 11):
        m[f"duplicate_{n}gram_char_fraction"] = gr.find_all_duplicate(words, n) / len(text)
    return m


def row(source, text):
    return {
        "source": source,
        "text": text,
        "measures": {**quality_measures(text), **repetition_measures(text)},
        "quality_verdict": verdict(QUALITY, text),
        "repetition_verdict": verdict(REPETITION, text),
    }


def read(path):
    with open(f"{CORPORA}/{path}", encoding="utf-8") as f:
        return f.read()


def main():
    rows = []
    alice = read("pretrain_en/gutenberg/pg11_alice_in_wonderland.txt")
    start = alice.index("CHAPTER I. Down the Rabbit-Hole")
    rows.append(row("pg11_alice_in_wonderland.txt: 3000 characters from CHAPTER I", alice[start : start + 3000]))
    shakespeare = read("pretrain_en/tinyshakespeare.txt")
    rows.append(row("tinyshakespeare.txt: the first 60 lines", "\n".join(shakespeare.split("\n")[:60])))
    wiki = read("pretrain_en/wikitext2_raw_test.txt")
    rows.append(row("wikitext2_raw_test.txt: the first 12 lines (CRLF)", "\n".join(wiki.split("\n")[:12])))
    mbpp = [json.loads(l) for l in read("code/mbpp.jsonl").splitlines()]
    rows.append(row("mbpp.jsonl: task 2's text and code", mbpp[1]["text"] + "\n" + mbpp[1]["code"]))
    dialogue = read("sft/dialogue_en_dailydialog/test_dialogues.txt").split("\n")[1]
    rows.append(row("dailydialog test_dialogues.txt: the second dialogue", dialogue))

    seen, passes = set(), 0
    for i, line in enumerate(read("pretrain_en/llamafactory_c4_demo.jsonl").splitlines()):
        text = json.loads(line)["text"]
        if len(text) > 4000:
            continue
        r = row(f"llamafactory_c4_demo.jsonl: document {i}", text)
        reasons = {r["quality_verdict"], r["repetition_verdict"]} - {""}
        if not reasons and passes < 4:
            passes += 1
            rows.append(r)
        elif reasons - seen:
            seen |= reasons
            rows.append(r)

    versions = {p: importlib.metadata.version(p) for p in ("datatrove", "numpy")}
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/gen/quality_rule_goldens.py", "versions": versions, "texts": rows}, f,
                  ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{OUT}: {len(rows)} texts; failed rules: {sorted(seen)}")


if __name__ == "__main__":
    main()
