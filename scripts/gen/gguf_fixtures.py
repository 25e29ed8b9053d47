#!/usr/bin/env python3
"""Generates tests/fixtures/gguf/: a small GGUF v3 file holding every metadata value type
and one tensor of every supported tensor type, plus the reference dequantized values.

The file is written by the `gguf` package (llama.cpp's Python GGUF library, pip install
gguf==0.19.0) and the expected floats come from its dequantize(), so the C++ reader is
checked against the reference implementation, not against itself.
Run from the repository root: python3 scripts/gen/gguf_fixtures.py"""
import json

import numpy as np
import gguf
from gguf.quants import dequantize, quantize

OUT = "tests/fixtures/gguf"
rng = np.random.default_rng(20261130)
T = gguf.GGMLQuantizationType


def random_blocks(qtype, n_rows, n_cols):
    """Random blocks of a type: random bytes, with every fp16 scale field set to a modest
    finite value so the reference values are finite."""
    block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
    n_blocks = n_rows * n_cols // block_size
    raw = rng.integers(0, 256, size=(n_blocks, type_size), dtype=np.uint8)
    scales = {T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [type_size - 2]}[qtype]
    for off in scales:
        vals = (rng.random(n_blocks) * 0.02 + 0.001).astype(np.float16)
        raw[:, off:off + 2] = vals.view(np.uint8).reshape(n_blocks, 2)
    return raw.reshape(n_rows, n_cols // block_size * type_size)


def main():
    w = gguf.GGUFWriter(f"{OUT}/all_types.gguf", arch="llama")
    w.add_uint8("test.u8", 200)
    w.add_int8("test.i8", -100)
    w.add_uint16("test.u16", 60000)
    w.add_int16("test.i16", -30000)
    w.add_uint32("test.u32", 4000000000)
    w.add_int32("test.i32", -2000000000)
    w.add_float32("test.f32", 0.15625)
    w.add_uint64("test.u64", 18000000000000000000)
    w.add_int64("test.i64", -9000000000000000000)
    w.add_float64("test.f64", 2.718281828459045)
    w.add_bool("test.bool", True)
    w.add_string("test.string", "héllo wörld 你好")
    w.add_array("test.array_i32", [1, -2, 3])
    w.add_array("test.array_str", ["a", "bc", ""])

    expected = {}
    rows, cols = 2, 256
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    for name, qtype in [("F32", T.F32), ("F16", T.F16), ("BF16", T.BF16), ("Q8_0", T.Q8_0), ("Q4_0", T.Q4_0),
                        ("Q4_1", T.Q4_1), ("Q4_K", T.Q4_K), ("Q5_K", T.Q5_K), ("Q6_K", T.Q6_K)]:
        if qtype == T.F32:
            data = x
        elif qtype in (T.Q4_K, T.Q5_K, T.Q6_K):
            data = random_blocks(qtype, rows, cols)
        else:
            data = quantize(x, qtype)
        w.add_tensor(f"t.{name}", data, raw_dtype=qtype)
        ref = dequantize(data, qtype).astype(np.float32).reshape(-1)
        expected[name] = [float(v) for v in ref]

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with open(f"{OUT}/all_types.expected.json", "w") as fh:
        json.dump({"rows": rows, "cols": cols, "values": expected}, fh)


if __name__ == "__main__":
    main()
