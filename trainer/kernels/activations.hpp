// Element-wise steps of training written once for every CPU: the softmax of a row and the
// SwiGLU unit forward and back. Each has a scalar form that the AVX-512 form repeats operation
// for operation, so that the result depends neither on the CPU nor on the thread count.
#pragma once

#include <cstdint>

namespace sextant::trainer {

// x[0..n) replaced by softmax(x), n >= 1: e_i = fast_exp(x_i - max); the e_i summed in 16
// lanes (lane l takes i = l mod 16 in index order) that are then added pairwise, lane l with
// lane l + 8, then + 4, + 2, + 1; x_i = e_i * (1 / sum). Returns max + log(sum), the
// log-sum-exp of the input.
float softmax_row(float* x, std::int64_t n);

// h = silu(gate) * up, silu(g) = g / (1 + fast_exp(-g)).
void swiglu_forward_rows(float* h, const float* gate, const float* up, std::int64_t n);
// dup = dh * silu(gate); dgate = dh * up * sig * (1 + gate * (1 - sig)), sig = 1 / (1 + fast_exp(-gate)).
void swiglu_backward_rows(float* dgate, float* dup, const float* dh, const float* gate, const float* up, std::int64_t n);

// The scalar forms (tests compare the fast ones with them).
float softmax_row_scalar(float* x, std::int64_t n);
void swiglu_forward_rows_scalar(float* h, const float* gate, const float* up, std::int64_t n);
void swiglu_backward_rows_scalar(float* dgate, float* dup, const float* dh, const float* gate, const float* up,
                                 std::int64_t n);

namespace avx512 {
float softmax_row(float* x, std::int64_t n);
void swiglu_forward_rows(float* h, const float* gate, const float* up, std::int64_t n);
void swiglu_backward_rows(float* dgate, float* dup, const float* dh, const float* gate, const float* up, std::int64_t n);
}  // namespace avx512

}  // namespace sextant::trainer
