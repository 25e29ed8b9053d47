// AdamW's element-wise update on 16 lanes, operation for operation as adamw_step_scalar.
#include <immintrin.h>

#include "runtime/cpu/lane_mask_avx512.hpp"
#include "trainer/optim/adamw_step.hpp"

namespace sextant::trainer::avx512 {

void adamw_step(float* p, const float* g, float* m, float* v, std::int64_t n, const AdamWStepConstants& k) {
  const __m512 grad_scale = _mm512_set1_ps(k.grad_scale), decay = _mm512_set1_ps(k.decay);
  const __m512 one_minus_beta1 = _mm512_set1_ps(1.0f - k.beta1), beta2 = _mm512_set1_ps(k.beta2);
  const __m512 one_minus_beta2 = _mm512_set1_ps(1.0f - k.beta2), bias2_sqrt = _mm512_set1_ps(k.bias2_sqrt);
  const __m512 eps = _mm512_set1_ps(k.eps), step_size = _mm512_set1_ps(k.step_size);
  for (std::int64_t i = 0; i < n; i += 16) {
    const __mmask16 lanes = runtime::avx512::first_lanes(n - i);
    const __m512 gi = _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, g + i), grad_scale);
    const __m512 pi = _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, p + i), decay);
    __m512 mi = _mm512_maskz_loadu_ps(lanes, m + i);
    mi = _mm512_add_ps(mi, _mm512_mul_ps(_mm512_sub_ps(gi, mi), one_minus_beta1));
    __m512 vi = _mm512_maskz_loadu_ps(lanes, v + i);
    vi = _mm512_add_ps(_mm512_mul_ps(vi, beta2), _mm512_mul_ps(one_minus_beta2, _mm512_mul_ps(gi, gi)));
    const __m512 denom = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), bias2_sqrt), eps);
    _mm512_mask_storeu_ps(p + i, lanes, _mm512_sub_ps(pi, _mm512_mul_ps(step_size, _mm512_div_ps(mi, denom))));
    _mm512_mask_storeu_ps(m + i, lanes, mi);
    _mm512_mask_storeu_ps(v + i, lanes, vi);
  }
}

}  // namespace sextant::trainer::avx512
