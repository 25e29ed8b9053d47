#!/usr/bin/env python3
"""GGUF exports of a checkpoint folder: the same tokens and logits in sextant and in llama.cpp.

Exports CHECKPOINT (a Hugging Face llama folder, as `sextant train` writes them) with
`sextant export` at each --types entry, then over a text (English, Chinese, digits and
whitespace unless --text names a file):

- tokenization: llama.cpp's tokenize on the GGUF file against `sextant tokenize` on the GGUF
  file and on the folder's tokenizer.json, special tokens parsed and not;
- logits: llama.cpp (llama-cpp-python, llama.cpp built outside this repository; set
  LLAMA_CPP_LIB_PATH to its libllama.so folder when the binding has none bundled) against
  `sextant logits` on the same GGUF file, both with their default fp16 key/value caches; and
  each of them against `sextant logits` on the folder itself (float weights, float caches),
  the reference the export should reproduce.

Prints, per type, the largest absolute logit difference (and relative to the largest
reference logit) and the top-1 agreement. Exits 0 when every tokenization is identical and,
at every type, sextant and llama.cpp agree on the top-1 token at >= 99% of positions with a
largest difference under 1% of the largest logit, or agree with each other at least as well
as llama.cpp agrees with the float model (quantization moves a model with peaked attention,
such as the random test fixtures, further than any difference between the two runtimes);
else 1.

usage: gguf_export_vs_llamacpp.py CHECKPOINT [--types f32,f16,q8_0] [--text FILE] [--tokens 200]
                                  [--sextant build/harness/sextant] [--threads 2] [--keep DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

DEFAULT_TEXT = (
    "The year 2024 had 366 days, and 3.14159 is close to pi. In 1969, 12 people walked on the Moon.\n\n"
    "  Indented lines,\ttabs and   runs of spaces  \r\n"
    "关关雎鸠，在河之洲。窈窕淑女，君子好逑。参差荇菜，左右流之。\n"
    "Mixed: 中文 English 123 4567 — once upon a time there was a little girl who lived in a village. "
    "She liked to read books about the sea, the stars and the 7 wonders of the world. Every morning "
    "at 6:30 she walked 2 miles to school, where her teacher, Mr. Brown, taught 24 children.<|im_end|>\n"
)


def run(cmd, stdin=b""):
    r = subprocess.run(cmd, input=stdin, capture_output=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr.decode(errors='replace')}")
    return r.stdout.decode()


def sextant_tokens(a, model, text, parse_special):
    cmd = [a.sextant, "tokenize", "--model", model] + ([] if parse_special else ["--no-parse-special"])
    return [int(t) for t in run(cmd, text).split()]


def sextant_logits(a, model, ids, tmp, name):
    out = os.path.join(tmp, name + ".npy")
    run([a.sextant, "logits", "--model", model, "--out", out, "--threads", str(a.threads)],
        " ".join(map(str, ids)).encode())
    return np.load(out)


def compare(ref, ours):
    diff = float(np.abs(ref.astype(np.float64) - ours).max())
    return diff, diff / float(np.abs(ref).max()), float((ref.argmax(-1) == ours.argmax(-1)).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--types", default="f32,f16,q8_0")
    ap.add_argument("--text")
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--sextant", default="build/harness/sextant")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--keep", help="write the GGUF files here instead of a temporary folder")
    a = ap.parse_args()

    from llama_cpp import Llama

    text = open(a.text, "rb").read() if a.text else DEFAULT_TEXT.encode()
    context = json.load(open(os.path.join(a.checkpoint, "config.json"))).get("max_position_embeddings", 4096)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = a.keep or tmp
        os.makedirs(out_dir, exist_ok=True)
        reference = None
        print(f"checkpoint {a.checkpoint}")
        for t in a.types.split(","):
            gguf = os.path.join(out_dir, f"{os.path.basename(os.path.normpath(a.checkpoint))}-{t}.gguf")
            run([a.sextant, "export", "--checkpoint", a.checkpoint, "--out", gguf, "--type", t])

            vocab = Llama(model_path=gguf, vocab_only=True, verbose=False)
            same = True
            for special in (True, False):
                theirs = vocab.tokenize(text, add_bos=True, special=special)
                for source, model in (("gguf", gguf), ("tokenizer.json", a.checkpoint)):
                    ours = sextant_tokens(a, model, text, special)
                    if ours != theirs:
                        same = False
                        first = next((i for i, (x, y) in enumerate(zip(ours, theirs)) if x != y),
                                     min(len(ours), len(theirs)))
                        print(f"  {t}: tokens differ (special={special}, sextant on {source}): {len(ours)} vs "
                              f"{len(theirs)} ids, first at {first}: {ours[first:first + 5]} vs "
                              f"{theirs[first:first + 5]}")
            ids = vocab.tokenize(text, add_bos=True, special=True)[: min(a.tokens, context)]
            del vocab
            ok &= same

            llm = Llama(model_path=gguf, logits_all=True, n_ctx=len(ids) + 8, n_batch=len(ids) + 8,
                        n_ubatch=len(ids) + 8, n_threads=a.threads, n_threads_batch=a.threads, verbose=False)
            llm.reset()
            llm.eval(ids)
            llama = np.array(llm.scores[: len(ids)], dtype=np.float32)
            del llm
            ours = sextant_logits(a, gguf, ids, tmp, t)
            if reference is None or reference.shape[0] != len(ids):
                reference = sextant_logits(a, a.checkpoint, ids, tmp, "folder")

            d, rel, top1 = compare(llama, ours)
            d_llama, rel_llama, top1_llama = compare(reference, llama)
            d_ours, rel_ours, top1_ours = compare(reference, ours)
            size = os.path.getsize(gguf) / 2**20
            print(f"  {t:5s} {size:7.2f} MiB  {len(ids)} tokens, tokenization {'identical' if same else 'DIFFERENT'}")
            print(f"        llama.cpp vs sextant (gguf):      max |logit diff| {d:.3e} ({rel:.2e} of max)  "
                  f"top-1 {top1 * 100:6.2f}%")
            print(f"        llama.cpp vs folder (float):      max |logit diff| {d_llama:.3e} ({rel_llama:.2e} of max)  "
                  f"top-1 {top1_llama * 100:6.2f}%")
            print(f"        sextant (gguf) vs folder (float): max |logit diff| {d_ours:.3e} ({rel_ours:.2e} of max)  "
                  f"top-1 {top1_ours * 100:6.2f}%")
            strict = top1 >= 0.99 and rel < 0.01
            closer_than_float = d <= d_llama and top1 >= top1_llama
            ok &= strict or closer_than_float
    print("result: " + ("tokens identical and logits agree at every type" if ok else "MISMATCH"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
