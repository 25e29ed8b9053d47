// Scalar reference dot products; they define the accumulation order the SIMD kernels follow.
#include <cstring>

#include "runtime/cpu/vec_dot.hpp"
#include "runtime/half.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime {

namespace {

float dot_f32(std::int64_t n, const void* wv, const void* xv) {
  const float* w = static_cast<const float*>(wv);
  const float* x = static_cast<const float*>(xv);
  // Element i goes to lane i % 8 of each 8-element group; the lanes then reduce in the fixed order.
  float acc[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) acc[l] = acc[l] + w[i + l] * x[i + l];
  for (int l = 0; i < n; ++i, ++l) acc[l] = acc[l] + w[i] * x[i];
  return reduce_lanes(acc);
}

float dot_q8_0(std::int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ8_0*>(wv);
  const auto* x = static_cast<const BlockQ8_0*>(xv);
  float acc[8] = {};
  for (std::int64_t b = 0; b < n / kQK; ++b) {
    int isum = 0;
    for (int j = 0; j < kQK; ++j) isum += w[b].qs[j] * x[b].qs[j];
    const float scale = fp16_to_float(w[b].d) * fp16_to_float(x[b].d);
    acc[b % 8] = acc[b % 8] + scale * static_cast<float>(isum);
  }
  return reduce_lanes(acc);
}

float dot_q4_0(std::int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ4_0*>(wv);
  const auto* x = static_cast<const BlockQ8_0*>(xv);
  float acc[8] = {};
  for (std::int64_t b = 0; b < n / kQK; ++b) {
    int isum = 0;
    for (int j = 0; j < kQK / 2; ++j) {
      isum += ((w[b].qs[j] & 0x0f) - 8) * x[b].qs[j];
      isum += ((w[b].qs[j] >> 4) - 8) * x[b].qs[j + kQK / 2];
    }
    const float scale = fp16_to_float(w[b].d) * fp16_to_float(x[b].d);
    acc[b % 8] = acc[b % 8] + scale * static_cast<float>(isum);
  }
  return reduce_lanes(acc);
}

float dot_q4_1(std::int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ4_1*>(wv);
  const auto* x = static_cast<const BlockQ8_1*>(xv);
  // sum_j (d_w q_j + m_w) d_x p_j = d_w d_x sum_j q_j p_j + m_w s_x, with s_x = d_x sum_j p_j.
  float acc[8] = {}, mins[8] = {};
  for (std::int64_t b = 0; b < n / kQK; ++b) {
    int isum = 0;
    for (int j = 0; j < kQK / 2; ++j) {
      isum += (w[b].qs[j] & 0x0f) * x[b].qs[j];
      isum += (w[b].qs[j] >> 4) * x[b].qs[j + kQK / 2];
    }
    const float scale = fp16_to_float(w[b].d) * fp16_to_float(x[b].d);
    acc[b % 8] = acc[b % 8] + scale * static_cast<float>(isum);
    mins[b % 8] = mins[b % 8] + fp16_to_float(w[b].m) * fp16_to_float(x[b].s);
  }
  return reduce_lanes(acc) + reduce_lanes(mins);
}

}  // namespace

const VecDotKernels& scalar_vec_dot_kernels() {
  static const VecDotKernels k{"scalar", dot_f32, dot_q8_0, dot_q4_0, dot_q4_1};
  return k;
}

}  // namespace sextant::runtime
