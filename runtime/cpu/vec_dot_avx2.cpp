// The float dot product with AVX2: eight lanes of multiply-then-add.
#include <immintrin.h>

#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime::avx2 {

namespace {

float dot_f32(std::int64_t n, const float* w, const float* x) {
  __m256 acc = _mm256_setzero_ps();
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i)));
  alignas(32) float l[8];
  _mm256_store_ps(l, acc);
  for (int k = 0; i < n; ++i, ++k) l[k] = l[k] + w[i] * x[i];
  return reduce_lanes(l);
}

}  // namespace

const VecDotKernels& vec_dot_kernels() {
  static const VecDotKernels k{"avx2", dot_f32};
  return k;
}

}  // namespace sextant::runtime::avx2
