// The scalar forms of the element-wise steps and the choice of kernel for this CPU.
#include "runtime/cpu/elementwise.hpp"

#include <cmath>

#include "runtime/cpu/cpu_features.hpp"
#include "runtime/cpu/fast_exp.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx512 {
void swiglu(float* gate, const float* up, std::int64_t n);
void to_fp16(const float* src, std::uint16_t* dst, std::int64_t n);
void round_to_fp16(float* v, std::int64_t n);
double sum_of_squares(const float* x, std::int64_t d);
void scale_row(const float* x, float scale, const float* weight, std::int64_t d, float* out);
}
#endif

void swiglu_scalar(float* gate, const float* up, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) gate[i] = gate[i] / (1.0f + fast_exp(-gate[i])) * up[i];
}

void to_fp16_scalar(const float* src, std::uint16_t* dst, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) dst[i] = float_to_fp16(src[i]);
}

void round_to_fp16_scalar(float* v, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) v[i] = fp16_to_float(float_to_fp16(v[i]));
}

void round_to_fp16(float* v, std::int64_t n) {
#if defined(__x86_64__)
  if (cpu_has_avx512()) return avx512::round_to_fp16(v, n);
#endif
  round_to_fp16_scalar(v, n);
}

void rms_norm_row_scalar(const float* x, const float* weight, std::int64_t d, float eps, float* out) {
  double lanes[16] = {};
  for (std::int64_t i = 0; i < d; ++i) lanes[i % 16] += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  double sum = 0.0;
  for (double l : lanes) sum += l;
  const float scale = static_cast<float>(1.0 / std::sqrt(sum / static_cast<double>(d) + eps));
  for (std::int64_t i = 0; i < d; ++i) out[i] = (x[i] * scale) * weight[i];
}

void rms_norm_row(const float* x, const float* weight, std::int64_t d, float eps, float* out) {
#if defined(__x86_64__)
  if (cpu_has_avx512()) {
    const float scale = static_cast<float>(1.0 / std::sqrt(avx512::sum_of_squares(x, d) / static_cast<double>(d) + eps));
    return avx512::scale_row(x, scale, weight, d, out);
  }
#endif
  rms_norm_row_scalar(x, weight, d, eps, out);
}

void swiglu(float* gate, const float* up, std::int64_t n) {
#if defined(__x86_64__)
  if (cpu_has_avx512()) return avx512::swiglu(gate, up, n);
#endif
  swiglu_scalar(gate, up, n);
}

void to_fp16(const float* src, std::uint16_t* dst, std::int64_t n) {
#if defined(__x86_64__)
  if (cpu_has_avx512()) return avx512::to_fp16(src, dst, n);
#endif
  to_fp16_scalar(src, dst, n);
}

}  // namespace sextant::runtime
