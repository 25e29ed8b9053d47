// llama.cpp's arithmetic, step by step, for the CPU build it is checked against (x86 with
// AVX-512, llama.cpp 0c1e570 / ggml 0.25.3, GCC 12): the order in which its kernels round,
// written out in plain scalar code. Sextant's own kernels round differently (fewer steps,
// same model); because 8-bit activation rounding turns any difference of one ulp into a
// different rounding somewhere downstream, two runtimes agree to the bit or only to within
// that noise. These functions make the first possible, so a check can tell a real
// difference in the model from rounding noise.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/cpu/matmul.hpp"

namespace sextant::runtime::llamacpp {

// ggml's vectorized expf (AVX-512 form: a degree-5 polynomial on the reduced argument,
// scaled by 2^n; within 2 ulp of exp, subnormal down to about -104, then 0; inf above about
// 88.7), one lane.
float simd_expf(float x);

// ggml's vectorized SiLU: x / (1 + simd_expf(-x)).
float simd_silu(float x);

// The sum of 16 lanes in the order GCC's _mm512_reduce_add_ps adds them (halves, quarters,
// pairs, last pair).
float reduce_add_16(const float* lanes);

// RMSNorm of one row as ggml computes it: the squares (rounded to float) summed in double,
// scale = 1 / sqrtf(float(mean) + eps), out = (x * scale) * weight.
void rms_norm_row(const float* x, const float* weight, std::int64_t d, float eps, float* out);

// Rotation angles of one position as ggml's rope cache holds them: theta starts at the
// position and is multiplied by theta_scale = powf(base, -2 / dims) in float at each pair;
// pair i turns by freq_scale * (theta / freq_factors[i]) (factors may be null: none);
// cos_sin gets (cos, sin) per pair.
void rope_cache(float position, float freq_scale, const float* freq_factors, float theta_scale, std::int64_t dims,
                float* cos_sin);

// Rotates the pairs (x[a], x[b]) of one head by the cached angles (b = a + stride_b; a = 2i
// when adjacent, else i), rounding as ggml's rotate_pairs does in that build: GCC fused one
// product of each line into the subtraction or addition.
void rope_rotate(float* x, std::int64_t pairs, std::int64_t stride_b, bool adjacent, const float* cos_sin);

// One activation row in 8-bit blocks of 32 as ggml's x86 quantize_row_q8_1 makes them:
// d = amax / 127 and s = d * sum(q), both stored through fp16, q = round-half-even(x * (127 /
// amax)). (Sextant's own quantizer multiplies by 1 / d, ggml's reference C form; the two
// differ by an ulp now and then.) Q8_0, the activation side of Q8_0 weights, has the same q
// and d. A value that is not finite after scaling becomes -128, as cvtps_epi32 and the
// saturating packs make it.
struct Q8Row {
  std::vector<std::int8_t> q;
  std::vector<float> d, s;  // per block, fp16 values as floats
};
void quantize_row_q8(const float* x, std::int64_t cols, Q8Row& out);

// Dot product of weight row r (Q4_1 or Q8_0) with a quantized activation row, in
// ggml's x86 vec_dot order: per block, eight lanes of four exact integer products each,
// lane = fma(weight scale * activation scale, lane sum, lane); the lanes summed as
// hsum_float_8 does; for Q4_1 plus the running fma of block min * activation sum.
float vec_dot(const WeightMatrix& w, std::int64_t r, const Q8Row& x);

// Dot product of two fp16 rows of length k in the order of llamafile's tinyBLAS: lane i % 16
// accumulates a[i] * b[i] by fma in order of i, then reduce_add_16. ggml uses tinyBLAS for an
// fp16 or float product when it has two or more columns, k % 16 == 0 and rows % 4 == 0
// (else vec_dot_f16, another order). In attention tinyBLAS runs over the whole cache, padded
// to 256; the masked terms past k are exact zeros. `b_stride` steps b, for a column of the
// transposed value cache.
float tinyblas_dot_f16(const std::uint16_t* a, const std::uint16_t* b, std::int64_t b_stride, std::int64_t k);

// The same for two float rows (tinyBLAS's float form: each fma rounds once).
float tinyblas_dot_f32(const float* a, const float* b, std::int64_t k);

// Softmax of one attention row as ggml's soft_max does with a causal mask: w[j] = kq[j] *
// scale for j < n (the unmasked keys), p[j] = simd_expf(w[j] - max) taken 16 at a time,
// each group summed by reduce_add_16 into a double; p[j] *= float(1 / sum). p gets n values.
void soft_max_row(const float* kq, std::int64_t n, float scale, float* p);

}  // namespace sextant::runtime::llamacpp
