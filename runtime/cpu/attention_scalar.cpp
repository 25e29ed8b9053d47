// Scalar reference attention; defines the order the SIMD kernel reproduces.
#include <cmath>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/vec_dot.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

namespace {

float element(const void* row, bool fp16, std::int64_t i) {
  return fp16 ? fp16_to_float(static_cast<const std::uint16_t*>(row)[i]) : static_cast<const float*>(row)[i];
}

void attention(const AttentionInput& in, float* scores, float* out) {
  const std::int64_t d = in.head_dim;
  float max = -INFINITY;
  for (std::int64_t p = 0; p < in.length; ++p) {
    float acc[8] = {};
    for (std::int64_t i = 0; i < d; i += 8)
      for (int l = 0; l < 8; ++l) acc[l] = acc[l] + in.q[i + l] * element(in.keys[p], in.fp16, i + l);
    scores[p] = reduce_lanes(acc) * in.scale;
    max = scores[p] > max ? scores[p] : max;
  }
  float sum = 0.0f;
  for (std::int64_t p = 0; p < in.length; ++p) {
    scores[p] = std::exp(scores[p] - max);
    sum = sum + scores[p];
  }
  for (std::int64_t i = 0; i < d; ++i) out[i] = 0.0f;
  for (std::int64_t p = 0; p < in.length; ++p) {
    const float w = scores[p] / sum;
    for (std::int64_t i = 0; i < d; ++i) out[i] = out[i] + w * element(in.values[p], in.fp16, i);
  }
}

}  // namespace

AttentionFn scalar_attention() { return attention; }

}  // namespace sextant::runtime
