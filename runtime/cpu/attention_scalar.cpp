// Scalar reference attention; defines the order the SIMD kernel reproduces.
#include <cmath>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/fast_exp.hpp"
#include "runtime/cpu/vec_dot.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

namespace {

float element(const void* rows, bool fp16, std::int64_t i) {
  return fp16 ? fp16_to_float(static_cast<const std::uint16_t*>(rows)[i]) : static_cast<const float*>(rows)[i];
}

void attention(const AttentionInput& in, float* scratch, float* out) {
  const std::int64_t d = in.head_dim;
  for (std::int64_t h = 0; h < in.n_q; ++h) {
    float q[512];
    for (std::int64_t i = 0; i < d; ++i) q[i] = in.fp16 ? fp16_to_float(float_to_fp16(in.q[h * d + i])) : in.q[h * d + i];
    float* scores = scratch + h * in.length;
    float max = -INFINITY;
    std::int64_t p = 0;
    for (std::int64_t s = 0; s < in.n_spans; ++s) {
      for (std::int64_t j = 0; j < in.spans[s].count; ++j, ++p) {
        const std::int64_t base = j * in.row_stride + in.head_offset;
        float acc[8] = {};
        for (std::int64_t i = 0; i < d; i += 8)
          for (int l = 0; l < 8; ++l) acc[l] = acc[l] + q[i + l] * element(in.spans[s].k, in.fp16, base + i + l);
        scores[p] = reduce_lanes(acc) * in.scale;
        max = scores[p] > max ? scores[p] : max;
      }
    }
    float sum = 0.0f;
    for (p = 0; p < in.length; ++p) {
      scores[p] = fast_exp(scores[p] - max);
      sum = sum + scores[p];
    }
    float* o = out + h * d;
    for (std::int64_t i = 0; i < d; ++i) o[i] = 0.0f;
    p = 0;
    for (std::int64_t s = 0; s < in.n_spans; ++s) {
      for (std::int64_t j = 0; j < in.spans[s].count; ++j, ++p) {
        const std::int64_t base = j * in.row_stride + in.head_offset;
        const float w = scores[p] / sum;
        for (std::int64_t i = 0; i < d; ++i) o[i] = o[i] + w * element(in.spans[s].v, in.fp16, base + i);
      }
    }
  }
}

}  // namespace

AttentionFn scalar_attention() { return attention; }

}  // namespace sextant::runtime
