#!/usr/bin/env python3
"""Step-by-step comparison of `sextant logits --numerics llama.cpp` with llama.cpp itself.

Runs the first --tokens tokens of a text through llama.cpp in one batch (the llama-cpp-python
binding, llama.cpp built outside this repository; set LLAMA_CPP_LIB_PATH to its libllama.so
folder) and catches every intermediate tensor with the scheduler's eval callback; runs the
same tokens through `sextant logits --numerics llama.cpp --dump-dir`; prints, per layer and
step, the share of elements equal to the bit and the largest difference, and names the first
step that differs. This is how the emulation in runtime/compat/ was made to match, and where
to look when a new llama.cpp build no longer does.

usage: layers_vs_llamacpp.py --model M.gguf --text FILE [--tokens 64] [--layers 2] [--sextant build/harness/sextant]
"""
import argparse
import ctypes
import os
import subprocess
import sys
import tempfile

import numpy as np

# Sextant's name for a step, llama.cpp's name and which of its same-named tensors (the
# projection, then its reshape, then the rotated one).
STEPS = [("attn_norm", "attn_norm", 0), ("Qcur", "Qcur", 0), ("Kcur", "Kcur", 0), ("Vcur", "Vcur", 0),
         ("Qrope", "Qcur", 2), ("Krope", "Kcur", 2), ("kqv_out", "kqv_out", 0), ("attn_out", "attn_out", 0),
         ("ffn_inp", "ffn_inp", 0), ("ffn_norm", "ffn_norm", 0), ("ffn_gate", "ffn_gate", 0), ("ffn_up", "ffn_up", 0),
         ("ffn_swiglu", "ffn_swiglu", 0), ("ffn_out", "ffn_out", 0), ("l_out", "l_out", 0)]


class GgmlTensor(ctypes.Structure):  # struct ggml_tensor of ggml 0.25 (ggml.h)
    _fields_ = [("type", ctypes.c_int), ("buffer", ctypes.c_void_p), ("ne", ctypes.c_int64 * 4),
                ("nb", ctypes.c_size_t * 4), ("op", ctypes.c_int), ("op_params", ctypes.c_int32 * 16),
                ("flags", ctypes.c_int32), ("src", ctypes.c_void_p * 10), ("view_src", ctypes.c_void_p),
                ("view_offs", ctypes.c_size_t), ("data", ctypes.c_void_p), ("name", ctypes.c_char * 64),
                ("extra", ctypes.c_void_p), ("padding", ctypes.c_char * 8)]


def llama_tensors(model, ids, layers):
    import llama_cpp
    from llama_cpp import Llama
    from llama_cpp._internals import LlamaBatch, LlamaContext

    wanted = {f"{name}-{layer}" for _, name, _ in STEPS for layer in range(layers)} | {"result_norm"}
    got = {}

    def callback(t, ask, _):
        tensor = ctypes.cast(t, ctypes.POINTER(GgmlTensor)).contents
        name = tensor.name.decode()
        if ask or name not in wanted:
            return name in wanted if ask else True
        dtype = {0: np.float32, 1: np.float16}.get(tensor.type)
        if dtype is not None:
            ne, nb = list(tensor.ne), list(tensor.nb)
            size = sum((ne[i] - 1) * nb[i] for i in range(4)) + np.dtype(dtype).itemsize
            raw = np.frombuffer((ctypes.c_char * size).from_address(tensor.data), dtype=dtype)
            got.setdefault(name, []).append(np.lib.stride_tricks.as_strided(raw, ne[::-1], nb[::-1]).astype(np.float32))
        return True

    keep = llama_cpp.ggml_backend_sched_eval_callback(callback)
    m = Llama(model_path=model, n_ctx=len(ids) + 8, n_batch=len(ids) + 8, n_ubatch=len(ids) + 8, n_threads=2,
              n_threads_batch=2, flash_attn=False, verbose=False)
    m.context_params.cb_eval = keep
    m._ctx = LlamaContext(model=m._model, params=m.context_params, verbose=False)
    m._batch = LlamaBatch(n_tokens=m.n_batch, embd=0, n_seq_max=m.context_params.n_ctx, verbose=False)
    m.reset()
    m.eval(ids)
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--text", required=True)
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--sextant", default="build/harness/sextant")
    a = ap.parse_args()
    from llama_cpp import Llama

    ids = Llama(model_path=a.model, vocab_only=True, verbose=False).tokenize(open(a.text, "rb").read(), add_bos=True)[: a.tokens]
    theirs = llama_tensors(a.model, ids, a.layers)
    first = None
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([a.sextant, "logits", "--model", a.model, "--numerics", "llama.cpp", "--out", f"{tmp}/logits.npy",
                        "--dump-dir", tmp], input=" ".join(map(str, ids)).encode(), check=True)
        for layer in range(a.layers):
            for ours_name, name, index in STEPS:
                ref = theirs.get(f"{name}-{layer}", [])
                if len(ref) <= index:
                    print(f"layer {layer:2d} {ours_name:10s} not caught in llama.cpp's graph")
                    continue
                ref = ref[index].reshape(-1)
                ours = np.load(f"{tmp}/{ours_name}-{layer}.npy").reshape(-1)
                equal = float((ours.view(np.uint32) == ref.view(np.uint32)).mean()) if ours.size == ref.size else 0.0
                diff = float(np.abs(ours - ref).max()) if ours.size == ref.size else float("nan")
                print(f"layer {layer:2d} {ours_name:10s} equal to the bit {equal * 100:8.3f}%  max |diff| {diff:.3g}")
                if equal < 1.0 and first is None:
                    first = f"layer {layer} {ours_name}"
    print("first step that differs: " + (first or "none"))
    sys.exit(0 if first is None else 1)


if __name__ == "__main__":
    main()
