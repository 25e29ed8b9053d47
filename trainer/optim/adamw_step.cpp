// AdamW's element-wise update: the scalar form and the choice of the AVX-512 one.
#include "trainer/optim/adamw_step.hpp"

#include <cmath>

#include "runtime/cpu/cpu_features.hpp"

namespace sextant::trainer {

void adamw_step_scalar(float* p, const float* g, float* m, float* v, std::int64_t n, const AdamWStepConstants& k) {
  const float one_minus_beta1 = 1.0f - k.beta1, one_minus_beta2 = 1.0f - k.beta2;
  for (std::int64_t i = 0; i < n; ++i) {
    const float gi = g[i] * k.grad_scale;
    p[i] *= k.decay;
    m[i] += (gi - m[i]) * one_minus_beta1;
    v[i] = v[i] * k.beta2 + one_minus_beta2 * (gi * gi);
    const float denom = std::sqrt(v[i]) / k.bias2_sqrt + k.eps;
    p[i] -= k.step_size * (m[i] / denom);
  }
}

void adamw_step(float* p, const float* g, float* m, float* v, std::int64_t n, const AdamWStepConstants& k) {
  if (runtime::cpu_has_avx512()) return avx512::adamw_step(p, g, m, v, n, k);
  adamw_step_scalar(p, g, m, v, n, k);
}

}  // namespace sextant::trainer
