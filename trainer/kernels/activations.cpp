// The scalar forms of the training element-wise steps, and the choice of the AVX-512 ones.
#include "trainer/kernels/activations.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/cpu/cpu_features.hpp"
#include "runtime/cpu/fast_exp.hpp"

namespace sextant::trainer {

using runtime::fast_exp;

float softmax_row_scalar(float* x, std::int64_t n) {
  float max = x[0];
  for (std::int64_t i = 1; i < n; ++i) max = std::max(max, x[i]);
  float lane[16] = {};
  for (std::int64_t i = 0; i < n; ++i) {
    x[i] = fast_exp(x[i] - max);
    lane[i % 16] += x[i];
  }
  for (int width = 8; width >= 1; width /= 2)
    for (int l = 0; l < width; ++l) lane[l] += lane[l + width];
  const float inv = 1.0f / lane[0];
  for (std::int64_t i = 0; i < n; ++i) x[i] *= inv;
  return max + std::log(lane[0]);
}

void swiglu_forward_rows_scalar(float* h, const float* gate, const float* up, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    h[i] = g / (1.0f + fast_exp(-g)) * up[i];
  }
}

void swiglu_backward_rows_scalar(float* dgate, float* dup, const float* dh, const float* gate, const float* up,
                                 std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    const float sig = 1.0f / (1.0f + fast_exp(-g));
    dup[i] = dh[i] * (g * sig);
    dgate[i] = dh[i] * up[i] * sig * (1.0f + g * (1.0f - sig));
  }
}

float softmax_row(float* x, std::int64_t n) {
  return runtime::cpu_has_avx512() ? avx512::softmax_row(x, n) : softmax_row_scalar(x, n);
}

void swiglu_forward_rows(float* h, const float* gate, const float* up, std::int64_t n) {
  runtime::cpu_has_avx512() ? avx512::swiglu_forward_rows(h, gate, up, n) : swiglu_forward_rows_scalar(h, gate, up, n);
}

void swiglu_backward_rows(float* dgate, float* dup, const float* dh, const float* gate, const float* up, std::int64_t n) {
  runtime::cpu_has_avx512() ? avx512::swiglu_backward_rows(dgate, dup, dh, gate, up, n)
                            : swiglu_backward_rows_scalar(dgate, dup, dh, gate, up, n);
}

}  // namespace sextant::trainer
