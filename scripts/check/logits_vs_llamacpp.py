#!/usr/bin/env python3
"""Logits parity of `sextant` with llama.cpp on one GGUF file over a text.

Needs the llama-cpp-python binding (llama.cpp built outside this repository; set
LLAMA_CPP_LIB_PATH to its libllama.so folder when the binding was installed without a
bundled library). Prints top-1 agreement, mean KL(ref || ours), both perplexities and the
largest absolute logit difference, and exits non-zero when the issue's bounds fail:
top-1 >= 99%, mean KL < 1e-3, perplexity within 0.5%.

usage: logits_vs_llamacpp.py --model M.gguf --text FILE [--tokens 512] [--sextant build/harness/sextant]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np


def log_softmax(x):
    x = x.astype(np.float64)
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--text", required=True)
    ap.add_argument("--tokens", type=int, default=512)
    ap.add_argument("--sextant", default="build/harness/sextant")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()

    from llama_cpp import Llama

    ref = Llama(model_path=a.model, logits_all=True, n_ctx=a.tokens + 8, n_batch=a.tokens + 8, n_ubatch=a.tokens + 8,
                n_threads=a.threads, n_threads_batch=a.threads, verbose=False)
    text = open(a.text, "rb").read()
    ids = ref.tokenize(text, add_bos=True, special=False)[: a.tokens]
    if len(ids) < a.tokens:
        sys.exit(f"{a.text}: only {len(ids)} tokens, {a.tokens} wanted")
    ref.reset()
    ref.eval(ids)
    ref_logits = np.array(ref.scores[: len(ids)], dtype=np.float32)

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "logits.npy")
        subprocess.run([a.sextant, "logits", "--model", a.model, "--out", out, "--threads", str(a.threads)],
                       input=" ".join(map(str, ids)).encode(), check=True)
        ours = np.load(out)

    lr, lo = log_softmax(ref_logits), log_softmax(ours)
    top1 = float((ref_logits.argmax(-1) == ours.argmax(-1)).mean())
    kl = float((np.exp(lr) * (lr - lo)).sum(-1).mean())
    targets = np.array(ids[1:])
    nll_ref = -lr[np.arange(len(ids) - 1), targets].mean()
    nll_ours = -lo[np.arange(len(ids) - 1), targets].mean()
    ppl_ref, ppl_ours = float(np.exp(nll_ref)), float(np.exp(nll_ours))
    max_diff = float(np.abs(ref_logits - ours).max())
    print(f"tokens {len(ids)}  top-1 agreement {top1 * 100:.2f}%  mean KL {kl:.3e}  "
          f"ppl llama.cpp {ppl_ref:.4f} sextant {ppl_ours:.4f} ({(ppl_ours / ppl_ref - 1) * 100:+.3f}%)  "
          f"max |logit diff| {max_diff:.4f}")
    ok = top1 >= 0.99 and kl < 1e-3 and abs(ppl_ours / ppl_ref - 1) < 0.005
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
