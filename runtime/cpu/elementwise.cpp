// The scalar forms of the element-wise steps and the choice of kernel for this CPU.
#include "runtime/cpu/elementwise.hpp"

#include "runtime/cpu/fast_exp.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx512 {
void swiglu(float* gate, const float* up, std::int64_t n);
void to_fp16(const float* src, std::uint16_t* dst, std::int64_t n);
}
#endif

namespace {

bool has_avx512() {
#if defined(__x86_64__)
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  }();
  return yes;
#else
  return false;
#endif
}

}  // namespace

void swiglu_scalar(float* gate, const float* up, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) gate[i] = gate[i] / (1.0f + fast_exp(-gate[i])) * up[i];
}

void to_fp16_scalar(const float* src, std::uint16_t* dst, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) dst[i] = float_to_fp16(src[i]);
}

void swiglu(float* gate, const float* up, std::int64_t n) {
#if defined(__x86_64__)
  if (has_avx512()) return avx512::swiglu(gate, up, n);
#endif
  swiglu_scalar(gate, up, n);
}

void to_fp16(const float* src, std::uint16_t* dst, std::int64_t n) {
#if defined(__x86_64__)
  if (has_avx512()) return avx512::to_fp16(src, dst, n);
#endif
  to_fp16_scalar(src, dst, n);
}

}  // namespace sextant::runtime
