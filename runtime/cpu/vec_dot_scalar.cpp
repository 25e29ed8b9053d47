// Scalar reference float dot product; defines the order the SIMD kernel follows.
#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime {

namespace {

float dot_f32(std::int64_t n, const float* w, const float* x) {
  float acc[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) acc[l] = acc[l] + w[i + l] * x[i + l];
  for (int l = 0; i < n; ++i, ++l) acc[l] = acc[l] + w[i] * x[i];
  return reduce_lanes(acc);
}

}  // namespace

const VecDotKernels& scalar_vec_dot_kernels() {
  static const VecDotKernels k{"scalar", dot_f32};
  return k;
}

}  // namespace sextant::runtime
