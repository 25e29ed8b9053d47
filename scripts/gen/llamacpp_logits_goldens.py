#!/usr/bin/env python3
"""Golden logits from llama.cpp for tests/runtime/llamacpp_forward_test.cpp.

Runs models in llama.cpp (through the llama-cpp-python binding, with llama.cpp built outside
this repository; set LLAMA_CPP_LIB_PATH to its libllama.so folder), every token in one batch,
and writes per position the ten largest logits (id and value) to tests/fixtures/llamacpp/:
- smollm2_q4_1_logits.json: SmolLM2-135M-Instruct Q4_1 over BOS + the token ids of
  tests/fixtures/tokenizer/multilingual.smollm2.ids;
- tiny_llama_{f32,f16,q8_0}_logits.json: the tiny random llama of tests/fixtures/hf/
  llama_f32_tied written as GGUF by `sextant export` at each type, over seeded random ids;
- tiny_llama3_rope_f32_logits.json: hf/llama_llama3_rope (Llama 3.1's rope scaling, which
  the GGUF carries as rope_freqs.weight) exported at f32, over the same ids;
- qwen2_tiny_f16_logits.json and internlm2_tiny_f16_logits.json: tests/fixtures/gguf/
  qwen2_tiny_f16.gguf and internlm2_tiny_f16.gguf (llama.cpp's own conversions of
  hf/qwen2_f32_sharded and hf/internlm2_f16, scripts/gen/converted_gguf_fixtures.py),
  over the same ids.
The emulation of llama.cpp's arithmetic (runtime/compat/) must reproduce them to the bit;
Sextant's own kernels only within rounding noise.

usage: LLAMA_CPP_LIB_PATH=... scripts/gen/llamacpp_logits_goldens.py models/SmolLM2-135M-Instruct.Q4_1.gguf [build/harness/sextant]
"""
import json
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
from llama_cpp import Llama, llama_cpp

TOP = 10
OUT = "tests/fixtures/llamacpp"


def write_goldens(model, ids, out_name, label):
    m = Llama(model_path=model, logits_all=True, n_ctx=256, n_batch=256, n_ubatch=256, n_threads=2,
              n_threads_batch=2, flash_attn=False, verbose=False)
    m.reset()
    m.eval(ids)
    logits = np.array(m.scores[: len(ids)], dtype=np.float32)
    top = []
    for row in logits:
        best = np.argsort(-row, kind="stable")[:TOP]
        top.append([[int(i), float(row[i])] for i in best])
    info = llama_cpp.llama_print_system_info().decode().strip()
    with open(os.path.join(OUT, out_name), "w") as f:
        json.dump({"model": label, "llama.cpp system": info, "tokens": ids, "top": top}, f)
        f.write("\n")
    print(f"{out_name}: {len(ids)} positions")


def main():
    model = sys.argv[1]
    sextant = sys.argv[2] if len(sys.argv) > 2 else "build/harness/sextant"
    os.makedirs(OUT, exist_ok=True)

    ids = [int(t) for t in open("tests/fixtures/tokenizer/multilingual.smollm2.ids").read().split()]
    bos = Llama(model_path=model, vocab_only=True, verbose=False).token_bos()
    write_goldens(model, [bos] + ids[:111], "smollm2_q4_1_logits.json", "SmolLM2-135M-Instruct.Q4_1.gguf")

    rng = random.Random(20261130)
    tiny_ids = [rng.randrange(384) for _ in range(40)]
    with tempfile.TemporaryDirectory() as tmp:
        for fixture, t, name in (("llama_f32_tied", "f32", "tiny_llama_f32"), ("llama_f32_tied", "f16", "tiny_llama_f16"),
                                 ("llama_f32_tied", "q8_0", "tiny_llama_q8_0"),
                                 ("llama_llama3_rope", "f32", "tiny_llama3_rope_f32")):
            gguf = os.path.join(tmp, f"{name}.gguf")
            subprocess.run([sextant, "export", "--checkpoint", f"tests/fixtures/hf/{fixture}", "--out", gguf,
                            "--type", t], check=True, stdout=subprocess.DEVNULL)
            write_goldens(gguf, tiny_ids, f"{name}_logits.json", f"hf/{fixture} exported at {t}")
    for name in ("qwen2_tiny_f16", "internlm2_tiny_f16"):
        write_goldens(f"tests/fixtures/gguf/{name}.gguf", tiny_ids, f"{name}_logits.json", f"gguf/{name}.gguf")


if __name__ == "__main__":
    main()
