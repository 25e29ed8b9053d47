#!/usr/bin/env python3
"""Writes tests/fixtures/gguf/qwen2_tiny_f16.gguf: the tiny qwen2 of tests/fixtures/hf/
qwen2_f32_sharded converted to GGUF (fp16 matrices) by llama.cpp's own converter,
convert_hf_to_gguf.py, from a llama.cpp source tree outside this repository. The GGUF side of
qwen2 (its tensor names, q/k/v biases, halves-style rope, linear scaling in the metadata) is
then checked against llama.cpp's logits on the very file llama.cpp writes
(scripts/gen/llamacpp_logits_goldens.py).

The converter recognizes a BPE pre-tokenizer by hashing its output on a test text, and
refuses one it does not know, as the fixture's tiny trained tokenizer is; it is told
"qwen2", the rules that tokenizer was trained with.

usage: scripts/gen/qwen2_gguf_fixture.py LLAMA_CPP_SOURCE   (needs its gguf-py, torch, transformers)
"""
import os
import sys


def main():
    llama_cpp = os.path.abspath(sys.argv[1])
    sys.path.insert(0, llama_cpp)
    sys.path.insert(1, os.path.join(llama_cpp, "gguf-py"))
    import conversion.base
    import convert_hf_to_gguf

    conversion.base.TextModel.get_vocab_base_pre = lambda self, tokenizer: "qwen2"
    sys.argv = ["convert_hf_to_gguf.py", "tests/fixtures/hf/qwen2_f32_sharded", "--outfile",
                "tests/fixtures/gguf/qwen2_tiny_f16.gguf", "--outtype", "f16"]
    convert_hf_to_gguf.main()


if __name__ == "__main__":
    main()
