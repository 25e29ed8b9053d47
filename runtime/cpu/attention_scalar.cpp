// Scalar reference attention; defines the order the SIMD kernels reproduce.
#include <cmath>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/fast_exp.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

namespace {

float element(const void* rows, bool fp16, std::int64_t i) {
  return fp16 ? fp16_to_float(static_cast<const std::uint16_t*>(rows)[i]) : static_cast<const float*>(rows)[i];
}

void attention(const AttentionInput& in, float* scratch) {
  const std::int64_t d = in.head_dim;
  for (std::int64_t j = 0; j < in.n_tokens; ++j) {
    const std::int64_t length = in.length + j;
    for (std::int64_t h = 0; h < in.n_q; ++h) {
      const float* query = in.q + j * in.q_stride + h * d;
      float q[512];
      for (std::int64_t i = 0; i < d; ++i) q[i] = in.fp16 ? fp16_to_float(float_to_fp16(query[i])) : query[i];
      float* weights = scratch;
      float max = -INFINITY;
      std::int64_t p = 0;
      for (std::int64_t s = 0; s < in.n_spans && p < length; ++s) {
        for (std::int64_t r = 0; r < in.spans[s].count && p < length; ++r, ++p) {
          const std::int64_t base = r * in.row_stride + in.head_offset;
          float acc = 0.0f;
          for (std::int64_t i = 0; i < d; ++i) acc = std::fma(q[i], element(in.spans[s].k, in.fp16, base + i), acc);
          weights[p] = acc * in.scale;
          max = weights[p] > max ? weights[p] : max;
        }
      }
      float sum = 0.0f;
      for (p = 0; p < length; ++p) {
        weights[p] = fast_exp(weights[p] - max);
        sum = sum + weights[p];
      }
      for (p = 0; p < length; ++p) weights[p] = weights[p] / sum;
      float* o = in.out + j * in.out_stride + h * d;
      for (std::int64_t i = 0; i < d; ++i) o[i] = 0.0f;
      p = 0;
      for (std::int64_t s = 0; s < in.n_spans && p < length; ++s) {
        for (std::int64_t r = 0; r < in.spans[s].count && p < length; ++r, ++p) {
          const std::int64_t base = r * in.row_stride + in.head_offset;
          for (std::int64_t i = 0; i < d; ++i) o[i] = std::fma(weights[p], element(in.spans[s].v, in.fp16, base + i), o[i]);
        }
      }
    }
  }
}

}  // namespace

AttentionFn scalar_attention() { return attention; }

}  // namespace sextant::runtime
