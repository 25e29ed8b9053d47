// The AVX-512 forms of the training element-wise steps, operation for operation as the scalar ones.
#include <immintrin.h>

#include <algorithm>
#include <climits>
#include <cmath>

#include "runtime/cpu/fast_exp_avx512.hpp"
#include "runtime/cpu/lane_mask_avx512.hpp"
#include "trainer/kernels/activations.hpp"

namespace sextant::trainer::avx512 {
namespace {

using runtime::avx512::fast_exp16;

using runtime::avx512::first_lanes;

// Lane l plus lane l + 8, then + 4, + 2, + 1: the scalar form's order.
float pairwise_sum(__m512 v) {
  const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
  const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  const __m128 s1 = _mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1));
  return _mm_cvtss_f32(s1);
}

// -x exactly as the scalar form negates (a sign flip, not 0 - x).
__m512 negate(__m512 x) { return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(x), _mm512_set1_epi32(INT32_MIN))); }

}  // namespace

float softmax_row(float* x, std::int64_t n) {
  __m512 vmax = _mm512_set1_ps(x[0]);
  for (std::int64_t i = 0; i < n; i += 16)
    vmax = _mm512_max_ps(vmax, _mm512_mask_loadu_ps(vmax, first_lanes(n - i), x + i));
  const float max = _mm512_reduce_max_ps(vmax);
  const __m512 m = _mm512_set1_ps(max);
  __m512 sum = _mm512_setzero_ps();
  for (std::int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = first_lanes(n - i);
    const __m512 e = fast_exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), m));
    _mm512_mask_storeu_ps(x + i, k, e);
    sum = _mm512_mask_add_ps(sum, k, sum, e);
  }
  const float total = pairwise_sum(sum);
  const __m512 inv = _mm512_set1_ps(1.0f / total);
  for (std::int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = first_lanes(n - i);
    _mm512_mask_storeu_ps(x + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, x + i), inv));
  }
  return max + std::log(total);
}

void swiglu_forward_rows(float* h, const float* gate, const float* up, std::int64_t n) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (std::int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = first_lanes(n - i);
    const __m512 g = _mm512_maskz_loadu_ps(k, gate + i);
    const __m512 t = fast_exp16(negate(g));
    const __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, t));
    _mm512_mask_storeu_ps(h + i, k, _mm512_mul_ps(silu, _mm512_maskz_loadu_ps(k, up + i)));
  }
}

void swiglu_backward_rows(float* dgate, float* dup, const float* dh, const float* gate, const float* up, std::int64_t n) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (std::int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = first_lanes(n - i);
    const __m512 g = _mm512_maskz_loadu_ps(k, gate + i);
    const __m512 d = _mm512_maskz_loadu_ps(k, dh + i);
    const __m512 u = _mm512_maskz_loadu_ps(k, up + i);
    const __m512 sig = _mm512_div_ps(one, _mm512_add_ps(one, fast_exp16(negate(g))));
    _mm512_mask_storeu_ps(dup + i, k, _mm512_mul_ps(d, _mm512_mul_ps(g, sig)));
    const __m512 slope = _mm512_add_ps(one, _mm512_mul_ps(g, _mm512_sub_ps(one, sig)));
    _mm512_mask_storeu_ps(dgate + i, k, _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(d, u), sig), slope));
  }
}

}  // namespace sextant::trainer::avx512
