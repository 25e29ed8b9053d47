#!/usr/bin/env python3
"""Generates tests/fixtures/metrics/goldens.json: the values that the reference
implementations give on fixed inputs, for the tests of metrics/ to compare against.

  BLEU, 13a tokens   sacrebleu.corpus_bleu with its defaults (tokenize='13a', smooth 'exp',
                     case kept, 4-grams), and sacrebleu's Tokenizer13a (after str.rstrip(),
                     as BLEU applies it)
  chrF               sacrebleu.corpus_chrf with its defaults (char order 6, word order 0,
                     beta 2)
  ROUGE-L            rouge_score.rouge_scorer.RougeScorer(['rougeL'], use_stemmer=False)
                     (score for one reference, score_multi for several)
  EM, F1             the official SQuAD v1.1 evaluation functions, transcribed below
  pass@k             the HumanEval paper's estimator, in numpy
  perplexity, bpb    lm-eval's formulas (exp of the negated mean; mean per byte / ln 2)
  mean interval      numpy mean and std(ddof=1) / sqrt(n), with NormalDist's 0.975 quantile
  UTF-8, lower, split  Python's bytes.decode("utf-8", "replace"), str.lower(), str.split()

Every float is written with repr() (json's default), so it round-trips exactly.
pip install sacrebleu==2.6.0 rouge-score==0.1.2 numpy (tested with numpy 2.4.6, Python 3.11.7).
The Unicode tables of metrics/ come from the same Python (scripts/gen/metrics_unicode_tables.py).
Run from the repository root: python3 scripts/gen/metric_goldens.py"""
import collections
import importlib.metadata
import json
import math
import random
import re
import statistics
import string
import sys

import numpy as np
import sacrebleu
from rouge_score import rouge_scorer, tokenizers
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

OUT = "tests/fixtures/metrics/goldens.json"


# --- The official SQuAD v1.1 evaluation functions (evaluate-v1.1.py), transcribed. ---

def normalize_answer(s):
    """Lower text and remove punctuation, articles and extra whitespace."""
    def remove_articles(text):
        return re.sub(r'\b(a|an|the)\b', ' ', text)

    def white_space_fix(text):
        return ' '.join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return ''.join(ch for ch in text if ch not in exclude)

    def lower(text):
        return text.lower()

    return white_space_fix(remove_articles(remove_punc(lower(s))))


def f1_score(prediction, ground_truth):
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = collections.Counter(prediction_tokens) & collections.Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    f1 = (2 * precision * recall) / (precision + recall)
    return f1


def exact_match_score(prediction, ground_truth):
    return normalize_answer(prediction) == normalize_answer(ground_truth)


def metric_max_over_ground_truths(metric_fn, prediction, ground_truths):
    scores_for_ground_truths = []
    for ground_truth in ground_truths:
        score = metric_fn(prediction, ground_truth)
        scores_for_ground_truths.append(score)
    return max(scores_for_ground_truths)


# --- The HumanEval estimator (Chen et al. 2021, figure 3). ---

def humaneval_pass_at_k(n, c, k):
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


# --- Inputs. ---

LONG_A = ("In the beginning of the twentieth century, the small fishing village on the northern coast "
          "grew into a busy port; merchants from distant cities arrived every spring, bringing silk, "
          "spices and news, and by 1910 the harbour held more than 300 ships. The old lighthouse, "
          "built in 1852, still stands at the end of the pier, although its lamp was replaced in 1967 "
          "by an automatic beacon that flashes twice every ten seconds.")
LONG_B = ("At the start of the 20th century the little fishing village on the north coast became a busy "
          "port: merchants from far-away cities came each spring with silk, spices and news, and by 1910 "
          "the harbor held over 300 ships. The old lighthouse (built in 1852) still stands at the end of "
          "the pier, though its lamp was replaced in 1967 with an automatic beacon flashing twice every "
          "10 seconds.")

# (hypothesis, references): sentences for BLEU, chrF and ROUGE-L.
PAIRS = [
    ("The cat sat on the mat.", ["The cat is sitting on the mat."]),
    ("The cat sat on the mat.", ["The cat sat on the mat."]),
    ("the cat sat on the mat", ["The Cat Sat On The Mat."]),
    ("", ["A reference with words."]),
    ("A hypothesis with words.", [""]),
    ("", [""]),
    ("a", ["a"]),
    ("x", ["y"]),
    ("the the the the the the the", ["the cat is on the mat"]),
    ("a a a a b b b b", ["a b a b a b a b"]),
    ("Hello, world!!! (test) -- [ok] {x} <y> a/b a|b ~tilde^caret`tick", ["Hello world! (test) [ok] {x} <y>"]),
    ("It costs 3.14 dollars, or 1,000 cents. Range 5-3 and 10-20; ok.",
     ["It costs 3.14 dollars or 1,000 cents; range 5-3."]),
    ("a.b,c .d ,e f. g, 1.a a.1 1,a a,1 ...", ["a . b , c"]),
    ("Tom &amp; Jerry &lt;3 &quot;quoted&quot; &gt; x &amp;lt; y", ["Tom & Jerry <3 \"quoted\" > x < y"]),
    ("don't can't it's O'Neil's rock'n'roll", ["do not cannot it is O'Neil's rock and roll"]),
    ("line one\nline two-\nthree <skipped> four", ["line one line twothree four"]),
    ("trailing whitespace   \t\n", ["trailing whitespace"]),
    ("Ünïcödé façade, naïve café — déjà vu.", ["Unicode facade, naive cafe - deja vu."]),
    ("Η ΟΔΟΣ ΣΤΗΝ ΑΘΗΝΑ είναι μεγάλη.", ["Η οδός στην Αθήνα είναι μεγάλη."]),
    ("日本語のテキストです。", ["日本語の文章です。"]),
    ("emoji 😀 and 👍🏽 thumbs", ["emoji 😀 and 👍 thumbs"]),
    ("İstanbul KELVIN \u212a sign", ["istanbul kelvin k sign"]),
    ("no\u00a0break\u3000ideographic\u2009thin space", ["no break ideographic thin space"]),
    ("e\u0301 combining vs \u00e9 precomposed", ["\u00e9 combining vs \u00e9 precomposed"]),
    ("Москва — столица России.", ["Столица России — Москва."]),
    ("snake_case_name and CamelCase", ["snake case name and camel case"]),
    ("Numbers: 1990s, 2nd, 3rd, 42, 007.", ["numbers 1990s 2nd 3rd 42 7"]),
    ("He said: \"yes\"; she said — no!", ["He said \"yes\" and she said no"]),
    ("repeated repeated repeated words words", ["repeated words repeated words"]),
    ("The quick brown fox jumps over the lazy dog", ["A quick brown dog jumps over the lazy fox",
                                                     "The fast brown fox leaps over the lazy dog"]),
    ("A short one.", ["A short one indeed, much longer than the hypothesis.", "Short one."]),
    ("completely unrelated text here", ["nothing in common at all", "still nothing matching", ""]),
    (LONG_A, [LONG_B]),
    (LONG_B, [LONG_A, "The lighthouse was built in 1852."]),
    ("Paris", ["Paris", "the city of Paris", "Paris, France"]),
    ("ok", ["ok ok ok ok ok"]),
    ("$100 & 50% off @ store #1 * 2 + 3 = 5", ["$100 & 50% off at store number 1"]),
    ("tab\tseparated\tvalues", ["tab separated values"]),
    ("\u2028line\u2029separators\u0085next", ["line separators next"]),
]

# (prediction, references): short answers for exact match and token F1.
ANSWERS = [
    ("The Denver Broncos", ["Denver Broncos", "The Broncos"]),
    ("denver broncos!", ["Denver Broncos"]),
    ("an apple", ["apple"]),
    ("a", ["an"]),
    ("The", [""]),
    ("", [""]),
    ("", ["something"]),
    ("the 1990s", ["1990s"]),
    ("Paris.", ["paris"]),
    ("New York City", ["New York", "NYC"]),
    ("the the the cat", ["cat cat"]),
    ("cat cat dog", ["cat dog dog"]),
    ("théa then anthem", ["thea then anthem"]),
    ("a\u0301 an\u00e9 the_", ["anthem"]),
    ("ÉCOLE Normale", ["école normale"]),
    ("ΟΔΟΣ", ["οδος"]),
    ("Σ", ["σ"]),
    ("ΑΣ ΣΑ Α.Σ.", ["ας σα α.ς."]),
    ("İ", ["i\u0307"]),
    ("Straße", ["STRASSE", "strasse"]),
    ("It's 3.5 million", ["its 35 million"]),
    ("¿Qué?", ["qué"]),
    ("The cat sat on the mat.", ["the cat sat", "on the mat", "a cat sat on a mat"]),
    ("  spaced \t out\n answer  ", ["spaced out answer"]),
    ("Albert Einstein (physicist)", ["Albert Einstein", "Einstein"]),
    ("four score and seven years ago", ["87 years ago", "four score and seven"]),
]

# Texts for str.lower(), str.split(), SQuAD normalisation and the 13a tokenizer.
SPECIAL_TEXTS = [
    "ΟΔΟΣ. ΟΔΟΣ' ΟΔΟΣ.Α Σ ΑΣ1 ΑΣ\u0301 Α\u0301Σ ΣΑ", "\u1e9e\u0130\u212a\u2126\u0049\u0131", "\u1c90\u13a0\uab70",
    "\U00010400\U0001e900", "ǅǄǆ", "a\u200bb\u200cc\u180ed", "x\x1cy\x1dz\x1ew\x1fv", "\u00a0lead", "trail\u3000",
    "A THE An aN tHe", "the.the,the-the_the", "a1 an2 the3 1a 2an", "thé théa athe", "&amp;&amp;amp;&lt;&gt;&quot;&",
    "-\n-\n\n", "3.-4 5-6 a-7 8-- 9.9.9 ,,, ..", "<skipped><skipped>x", "\t\n\x0b\x0c\r", "",
]

# Byte strings for UTF-8 decoding with replacement.
UTF8_BYTES = [
    b"plain ascii", "héllo wörld 你好 😀".encode(), b"\xff", b"\x80abc", b"\xc3", b"\xc3(", b"\xe2\x82", b"\xe2\x82(",
    b"\xf0\x9f\x98", b"\xf0\x9f\x98\x80\xf0", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
    b"\xf5\x80", b"a\xe0\xa0b", b"\xef\xbf\xbd", b"\xf8\x88\x80\x80\x80",
]

PASS_AT_K = [(1, 0, 1), (1, 1, 1), (10, 0, 1), (10, 3, 1), (10, 3, 5), (10, 10, 10), (10, 7, 4), (5, 4, 3), (2, 1, 2),
             (20, 1, 1), (20, 1, 10), (100, 1, 1), (100, 99, 50), (200, 13, 1), (200, 13, 10), (200, 13, 100),
             (1000, 7, 500), (1000, 500, 1)]

# (total natural-log probability, tokens, bytes, words)
LOG_LIKELIHOODS = [(-1.0, 1, 1, 1), (-1234.5678, 500, 2100, 380), (-0.0, 10, 40, 8),
                   (-98765.4321, 25000, 101234, 17777), (-3.0e-8, 3, 12, 2)]


def random_texts(count):
    """Seeded random strings from a pool of characters that the rules treat differently."""
    rng = random.Random(20261130)
    pool = (list("aAbBtThHeEnN  ..,,--'\"&;<>/?!()[]{}_0123456789") + ["&amp;", "&lt;", "the", "an", "a", "\n", "\t",
            "é", "É", "Σ", "ς", "σ", "ı", "İ", "\u212a", "ß", "\u00a0", "\u3000", "\u2009", "\u0301", "😀", "中", "日本",
            "Ж", "ж", "\u200b", "\u0085", "<skipped>", "-\n", "1.5", "2,000", "x-1"])
    texts = []
    for _ in range(count):
        texts.append("".join(rng.choice(pool) for _ in range(rng.randint(0, 40))))
    return texts


def bleu_result(hypotheses, references_per_segment):
    """corpus_bleu on per-segment reference lists, turned into sacrebleu's reference streams
    (padded with None where a segment has fewer references)."""
    streams = max(len(r) for r in references_per_segment)
    refs = [[r[i] if i < len(r) else None for r in references_per_segment] for i in range(streams)]
    b = sacrebleu.corpus_bleu(hypotheses, refs)
    c = sacrebleu.corpus_chrf(hypotheses, refs)
    return {"bleu": b.score, "precisions": list(b.precisions), "brevity_penalty": b.bp,
            "hypothesis_length": b.sys_len, "reference_length": b.ref_len, "matches": list(b.counts),
            "totals": list(b.totals), "chrf": c.score}


def main():
    tokenizer = Tokenizer13a()
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)

    texts = [h for h, _ in PAIRS] + [r for _, rs in PAIRS for r in rs] + [p for p, _ in ANSWERS] + \
        [r for _, rs in ANSWERS for r in rs] + SPECIAL_TEXTS + random_texts(150)
    text_rows = [{"text": t, "lower": t.lower(), "split": t.split(), "rstrip": t.rstrip(),
                  "normalized": normalize_answer(t), "tokens_13a": tokenizer(t.rstrip()),
                  "rouge_tokens": tokenizers.DefaultTokenizer(use_stemmer=False).tokenize(t)} for t in texts]

    segments = []
    for hyp, refs in PAIRS:
        row = {"hypothesis": hyp, "references": refs}
        row.update(bleu_result([hyp], [refs]))
        rouge = scorer.score(refs[0], hyp)["rougeL"] if len(refs) == 1 else scorer.score_multi(refs, hyp)["rougeL"]
        row["rouge_l"] = {"precision": rouge.precision, "recall": rouge.recall, "fmeasure": rouge.fmeasure}
        segments.append(row)

    rng = random.Random(7)
    random_pairs = [(h, [r]) for h, r in zip(random_texts(60), random_texts(90)[30:])]
    corpora = {
        "all_pairs": PAIRS,
        "single_reference": [(h, rs[:1]) for h, rs in PAIRS],
        "first_five": PAIRS[:5],
        "long": [(LONG_A, [LONG_B]), (LONG_B, [LONG_A])],
        "empty_hypotheses": [("", rs) for _, rs in PAIRS[:6]],
        "shuffled": rng.sample(PAIRS, len(PAIRS)),
        "random_text": random_pairs,
    }
    corpus_rows = []
    for name, pairs in corpora.items():
        hyps = [h for h, _ in pairs]
        refs = [rs for _, rs in pairs]
        row = {"name": name, "hypotheses": hyps, "references": refs}
        row.update(bleu_result(hyps, refs))
        corpus_rows.append(row)
    for h, rs in random_pairs:
        r = scorer.score(rs[0], h)["rougeL"]
        segments.append({"hypothesis": h, "references": rs, **bleu_result([h], [rs]),
                         "rouge_l": {"precision": r.precision, "recall": r.recall, "fmeasure": r.fmeasure}})

    answers = [{"prediction": p, "references": rs,
                "exact_match": [bool(exact_match_score(p, r)) for r in rs],
                "f1": [float(f1_score(p, r)) for r in rs],
                "exact_match_max": bool(metric_max_over_ground_truths(exact_match_score, p, rs)),
                "f1_max": float(metric_max_over_ground_truths(f1_score, p, rs))} for p, rs in ANSWERS]

    pass_at_k = [{"n": n, "c": c, "k": k, "value": float(humaneval_pass_at_k(n, c, k))} for n, c, k in PASS_AT_K]

    perplexity = []
    for lp, tokens, nbytes, words in LOG_LIKELIHOODS:
        perplexity.append({"log_prob": lp, "tokens": tokens, "bytes": nbytes, "words": words,
                           "token_perplexity": math.exp(-(lp / tokens)), "word_perplexity": math.exp(-(lp / words)),
                           "byte_perplexity": math.exp(-(lp / nbytes)),
                           "bits_per_byte": -(lp / nbytes) / math.log(2)})

    z = statistics.NormalDist().inv_cdf(0.975)
    score_sets = [[1.0, 0.0], [0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0],
                  [float(s["f1"][0]) for s in answers], [s["rouge_l"]["fmeasure"] for s in segments],
                  [0.5] * 7, list(np.random.default_rng(3).random(1000))]
    means = []
    for scores in score_sets:
        a = np.asarray(scores, dtype=np.float64)
        mean = float(np.mean(a))
        sem = float(np.std(a, ddof=1) / np.sqrt(len(a)))
        means.append({"scores": [float(x) for x in scores], "mean": mean, "standard_error": sem,
                      "lower": mean - z * sem, "upper": mean + z * sem})

    utf8 = [{"hex": b.hex(), "code_points": [ord(ch) for ch in b.decode("utf-8", "replace")]} for b in UTF8_BYTES]

    out = {
        "generated_by": "scripts/gen/metric_goldens.py",
        "versions": {"python": sys.version.split()[0], "sacrebleu": sacrebleu.__version__, "numpy": np.__version__,
                     "rouge_score": importlib.metadata.version("rouge-score"),
                     "unicode": __import__("unicodedata").unidata_version},
        "normal_quantile_975": z,
        "texts": text_rows,
        "segments": segments,
        "corpora": corpus_rows,
        "answers": answers,
        "pass_at_k": pass_at_k,
        "perplexity": perplexity,
        "mean_interval": means,
        "utf8": utf8,
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print(f"{len(text_rows)} texts, {len(segments)} segments, {len(corpus_rows)} corpora, {len(answers)} answers",
          file=sys.stderr)


if __name__ == "__main__":
    main()
