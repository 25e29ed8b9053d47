// llama.cpp's rounding order, written out (see the header). Built with -ffp-contract=off
// like the rest of the runtime: every fused multiply-add below is an explicit std::fma,
// placed where GCC contracted (or the intrinsics asked for) one in llama.cpp's build.
#include "runtime/compat/llamacpp_numerics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/cpu/vec_dot.hpp"
#include "runtime/half.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime::llamacpp {

namespace {

// x86's cvtps_epi32 (ties to even) then the saturating packs to int8: NaN and values past
// int32 become INT32_MIN, so -128.
std::int8_t to_int8(float v) {
  if (!(std::fabs(v) < 2147483648.0f)) return -128;
  return static_cast<std::int8_t>(std::clamp(std::nearbyint(v), -128.0f, 127.0f));
}

float fp16_round(float v) { return fp16_to_float(float_to_fp16(v)); }
}  // namespace

float simd_expf(float x) {
  // Round x / ln 2 to an integer n with the 1.5 * 2^23 shift, take the remainder
  // b = x - n ln 2 in two parts, and evaluate 2^n * (1 + b + b^2 p(b)).
  const float shift = 0x1.8p23f;
  const float z = std::fma(x, 0x1.715476p+0f, shift);
  const float n = z - shift;
  const float b = std::fma(-n, 0x1.7f7d1cp-20f, std::fma(-n, 0x1.62e4p-1f, x));
  const float u = b * b;
  const float j =
      std::fma(std::fma(std::fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, std::fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)), u,
               std::fma(0x1.ffffecp-1f, b, 1.0f));
  if (std::isnan(n)) return n;
  if (std::fabs(n) > 192.0f) return n <= 0.0f ? 0.0f : std::numeric_limits<float>::infinity();
  return std::ldexp(j, static_cast<int>(n));
}

float simd_silu(float x) { return x / (1.0f + simd_expf(0.0f - x)); }

float reduce_add_16(const float* a) {
  float h[8], q[4];
  for (int i = 0; i < 8; ++i) h[i] = a[i + 8] + a[i];
  for (int i = 0; i < 4; ++i) q[i] = h[i + 4] + h[i];
  return (q[0] + q[2]) + (q[1] + q[3]);
}

void rms_norm_row(const float* x, const float* weight, std::int64_t d, float eps, float* out) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < d; ++i) sum += static_cast<double>(x[i] * x[i]);
  const float mean = static_cast<float>(sum / static_cast<double>(d));
  const float scale = 1.0f / std::sqrt(mean + eps);
  for (std::int64_t i = 0; i < d; ++i) out[i] = x[i] * scale * weight[i];
}

void rope_cache(float position, float freq_scale, const float* freq_factors, float theta_scale, std::int64_t dims,
                float* cos_sin) {
  float theta = position;
  for (std::int64_t i = 0; i < dims / 2; ++i) {
    const float angle = freq_scale * (freq_factors ? theta / freq_factors[i] : theta);
    cos_sin[2 * i] = std::cos(angle);
    cos_sin[2 * i + 1] = std::sin(angle);
    theta *= theta_scale;
  }
}

void rope_rotate(float* x, std::int64_t pairs, std::int64_t stride_b, bool adjacent, const float* cos_sin) {
  for (std::int64_t i = 0; i < pairs; ++i) {
    float* a = x + (adjacent ? 2 * i : i);
    float* b = a + stride_b;
    const float c = cos_sin[2 * i], s = cos_sin[2 * i + 1], x0 = *a, x1 = *b;
    // GCC fused the first product of each line into the subtraction / addition.
    *a = std::fma(x0, c, -(x1 * s));
    *b = std::fma(x0, s, x1 * c);
  }
}

void quantize_row_q8(const float* x, std::int64_t cols, Q8Row& out) {
  const std::int64_t blocks = cols / kQK;
  out.q.resize(static_cast<std::size_t>(cols));
  out.d.resize(static_cast<std::size_t>(blocks));
  out.s.resize(static_cast<std::size_t>(blocks));
  for (std::int64_t b = 0; b < blocks; ++b) {
    const float* xb = x + b * kQK;
    float amax = 0.0f;
    for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(xb[j]));
    const float d = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    int sum = 0;
    for (int j = 0; j < kQK; ++j) {
      const std::int8_t q = to_int8(xb[j] * id);
      out.q[static_cast<std::size_t>(b * kQK + j)] = q;
      sum += q;
    }
    out.d[static_cast<std::size_t>(b)] = fp16_round(d);
    out.s[static_cast<std::size_t>(b)] = fp16_round(d * static_cast<float>(sum));
  }
}

float vec_dot(const WeightMatrix& w, std::int64_t r, const Q8Row& x) {
  const std::int64_t blocks = w.cols / kQK;
  float lanes[8] = {};
  float mins = 0.0f;
  const std::uint8_t* row = w.row(r);
  for (std::int64_t b = 0; b < blocks; ++b) {
    int values[kQK];
    float scale;
    if (w.type == TensorType::Q4_1) {
      const auto& blk = reinterpret_cast<const BlockQ4_1*>(row)[b];
      for (int j = 0; j < kQK / 2; ++j) {
        values[j] = blk.qs[j] & 0x0F;
        values[j + kQK / 2] = blk.qs[j] >> 4;
      }
      scale = fp16_to_float(blk.d);
      const float m = fp16_to_float(blk.m), s = x.s[static_cast<std::size_t>(b)];
      mins = std::fma(m, s, mins);  // `summs += m * s`, contracted
    } else {                        // Q8_0
      const auto& blk = reinterpret_cast<const BlockQ8_0*>(row)[b];
      for (int j = 0; j < kQK; ++j) values[j] = blk.qs[j];
      scale = fp16_to_float(blk.d);
    }
    const float dd = scale * x.d[static_cast<std::size_t>(b)];
    const std::int8_t* a = x.q.data() + b * kQK;
    for (int l = 0; l < 8; ++l) {
      int sum = 0;
      for (int e = 4 * l; e < 4 * l + 4; ++e) sum += values[e] * a[e];
      lanes[l] = std::fma(dd, static_cast<float>(sum), lanes[l]);
    }
  }
  const float total = reduce_lanes(lanes);  // hsum_float_8 adds the lanes in this order
  return w.type == TensorType::Q4_1 ? total + mins : total;
}

float tinyblas_dot_f16(const std::uint16_t* a, const std::uint16_t* b, std::int64_t b_stride, std::int64_t k) {
  float lanes[16] = {};
  for (std::int64_t i = 0; i < k; ++i)
    lanes[i % 16] = std::fma(fp16_to_float(a[i]), fp16_to_float(b[i * b_stride]), lanes[i % 16]);
  return reduce_add_16(lanes);
}

float tinyblas_dot_f32(const float* a, const float* b, std::int64_t k) {
  float lanes[16] = {};
  for (std::int64_t i = 0; i < k; ++i) lanes[i % 16] = std::fma(a[i], b[i], lanes[i % 16]);
  return reduce_add_16(lanes);
}

void soft_max_row(const float* kq, std::int64_t n, float scale, float* p) {
  float max = -std::numeric_limits<float>::infinity();
  for (std::int64_t j = 0; j < n; ++j) max = std::max(max, kq[j] * scale);
  double sum = 0.0;
  for (std::int64_t j0 = 0; j0 < n; j0 += 16) {
    float group[16] = {};
    for (std::int64_t j = j0; j < std::min(n, j0 + 16); ++j) group[j - j0] = p[j] = simd_expf(kq[j] * scale - max);
    sum += static_cast<double>(reduce_add_16(group));
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (std::int64_t j = 0; j < n; ++j) p[j] *= inv;
}

}  // namespace sextant::runtime::llamacpp
