// AdamW's element-wise update of one span of parameters: a scalar form and an AVX-512 form
// that performs the same IEEE operations in the same order (the same bits).
#pragma once

#include <cstdint>

namespace sextant::trainer {

struct AdamWStepConstants {
  float grad_scale = 1.0f;  // clipping
  float decay = 1.0f;       // 1 - lr * weight decay, or 1 where there is none
  float beta1 = 0.9f, beta2 = 0.95f, eps = 1e-8f;
  float bias2_sqrt = 1.0f;  // sqrt(1 - beta2^t)
  float step_size = 0.0f;   // lr / (1 - beta1^t)
};

// For each i: g' = g * grad_scale; p *= decay; m += (g' - m) * (1 - beta1);
// v = v * beta2 + (1 - beta2) * (g' * g'); p -= step_size * (m / (sqrt(v) / bias2_sqrt + eps)).
void adamw_step(float* p, const float* g, float* m, float* v, std::int64_t n, const AdamWStepConstants& k);

void adamw_step_scalar(float* p, const float* g, float* m, float* v, std::int64_t n, const AdamWStepConstants& k);
namespace avx512 {
void adamw_step(float* p, const float* g, float* m, float* v, std::int64_t n, const AdamWStepConstants& k);
}

}  // namespace sextant::trainer
