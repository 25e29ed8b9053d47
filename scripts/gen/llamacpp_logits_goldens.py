#!/usr/bin/env python3
"""Golden logits from llama.cpp for tests/runtime/llamacpp_forward_test.cpp.

Runs SmolLM2-135M-Instruct Q4_1 in llama.cpp (through the llama-cpp-python binding, with
llama.cpp built outside this repository; set LLAMA_CPP_LIB_PATH to its libllama.so folder)
over BOS + the token ids of tests/fixtures/tokenizer/multilingual.smollm2.ids, all in one
batch, and writes per position the ten largest logits (id and value) to
tests/fixtures/llamacpp/smollm2_q4_1_logits.json. The emulation of llama.cpp's arithmetic
(runtime/compat/) must reproduce them; Sextant's own kernels only within rounding noise.

usage: LLAMA_CPP_LIB_PATH=... scripts/gen/llamacpp_logits_goldens.py models/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import json
import sys

import numpy as np
from llama_cpp import Llama, llama_cpp

TOKENS = 112  # past several groups of 16 keys, ending inside one
TOP = 10


def main():
    model = sys.argv[1]
    ids = [int(t) for t in open("tests/fixtures/tokenizer/multilingual.smollm2.ids").read().split()]
    m = Llama(model_path=model, logits_all=True, n_ctx=256, n_batch=256, n_ubatch=256, n_threads=2,
              n_threads_batch=2, flash_attn=False, verbose=False)
    ids = [m.token_bos()] + ids[: TOKENS - 1]
    m.reset()
    m.eval(ids)
    logits = np.array(m.scores[: len(ids)], dtype=np.float32)
    top = []
    for row in logits:
        best = np.argsort(-row, kind="stable")[:TOP]
        top.append([[int(i), float(row[i])] for i in best])
    info = llama_cpp.llama_print_system_info().decode()
    out = {"model": "SmolLM2-135M-Instruct.Q4_1.gguf", "llama.cpp system": info.strip(), "tokens": ids, "top": top}
    with open("tests/fixtures/llamacpp/smollm2_q4_1_logits.json", "w") as f:
        json.dump(out, f, indent=None)
        f.write("\n")
    print(f"{len(ids)} positions written")


if __name__ == "__main__":
    main()
