#!/usr/bin/env python3
"""Writes tests/fixtures/gguf/{qwen2,internlm2}_tiny_f16.gguf: the tiny qwen2 and InternLM2 of
tests/fixtures/hf/ (qwen2_f32_sharded, internlm2_f16) converted to GGUF (fp16 matrices) by
llama.cpp's own converter, convert_hf_to_gguf.py, from a llama.cpp source tree outside this
repository. The GGUF side of those architectures (qwen2: its tensor names, q/k/v biases,
halves-style rope; internlm2: wqkv split into q / k / v with q and k permuted for
adjacent-pair rope; both: linear scaling in the metadata) is then checked against llama.cpp's
logits on the very files llama.cpp writes (scripts/gen/llamacpp_logits_goldens.py).

Two things the converter needs that the fixtures lack:
- it recognizes a BPE pre-tokenizer by hashing its output on a test text and refuses one it
  does not know, as qwen2's tiny trained tokenizer is: it is told "qwen2", the rules that
  tokenizer was trained with;
- it reads InternLM2's vocabulary only from a SentencePiece tokenizer.model, which the fixture
  (a BPE tokenizer.json) lacks: a copy of the folder gets one trained here, seeded, on words of
  a fixed text (384 pieces, the model's vocab_size; byte fallback). Only the weights matter to
  the checks, which run on token ids.

usage: scripts/gen/converted_gguf_fixtures.py LLAMA_CPP_SOURCE   (needs its gguf-py, torch,
       transformers, sentencepiece and protobuf)
"""
import os
import random
import shutil
import sys
import tempfile

WORDS = ("the model runtime evaluates every task of a suite on the same weights and writes the "
         "scores with their intervals to a store that survives a kill while the trainer saves "
         "checkpoints which the harness scores as they appear").split()


def convert(convert_hf_to_gguf, folder, out):
    sys.argv = ["convert_hf_to_gguf.py", folder, "--outfile", os.path.abspath(out), "--outtype", "f16"]
    convert_hf_to_gguf.main()


def train_sentencepiece(folder, tmp):
    import sentencepiece

    rng = random.Random(20261130)
    text = os.path.join(tmp, "text.txt")
    with open(text, "w") as f:
        for _ in range(2000):
            f.write(" ".join(rng.choice(WORDS) for _ in range(12)) + "\n")
    sentencepiece.SentencePieceTrainer.train(
        input=text, model_prefix=os.path.join(folder, "tokenizer"), vocab_size=384, model_type="bpe",
        byte_fallback=True, character_coverage=1.0, bos_id=0, unk_id=1, eos_id=2, pad_id=-1, num_threads=1,
        minloglevel=2)


def main():
    llama_cpp = os.path.abspath(sys.argv[1])
    sys.path.insert(0, llama_cpp)
    sys.path.insert(1, os.path.join(llama_cpp, "gguf-py"))
    import conversion.base
    import convert_hf_to_gguf

    conversion.base.TextModel.get_vocab_base_pre = lambda self, tokenizer: "qwen2"
    convert(convert_hf_to_gguf, "tests/fixtures/hf/qwen2_f32_sharded", "tests/fixtures/gguf/qwen2_tiny_f16.gguf")

    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "internlm2")
        shutil.copytree("tests/fixtures/hf/internlm2_f16", folder)
        for name in ("tokenizer.json", "tokenizer_config.json"):
            os.remove(os.path.join(folder, name))
        train_sentencepiece(folder, tmp)
        convert(convert_hf_to_gguf, folder, "tests/fixtures/gguf/internlm2_tiny_f16.gguf")


if __name__ == "__main__":
    main()
