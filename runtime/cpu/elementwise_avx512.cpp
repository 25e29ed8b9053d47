// The element-wise steps with AVX-512, operation for operation as their scalar forms.
#include <immintrin.h>

#include <cstdint>
#include <climits>

#include "runtime/cpu/fast_exp_avx512.hpp"

namespace sextant::runtime::avx512 {

void swiglu(float* gate, const float* up, std::int64_t n) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (std::int64_t i = 0; i < n; i += 16) {
    const auto lanes = static_cast<__mmask16>(n - i >= 16 ? 0xffff : (1u << (n - i)) - 1);
    const __m512 g = _mm512_maskz_loadu_ps(lanes, gate + i);
    const __m512 minus_g = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(g), _mm512_set1_epi32(INT32_MIN)));
    const __m512 e = fast_exp16(minus_g);
    const __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, e));
    _mm512_mask_storeu_ps(gate + i, lanes, _mm512_mul_ps(silu, _mm512_maskz_loadu_ps(lanes, up + i)));
  }
}

void to_fp16(const float* src, std::uint16_t* dst, std::int64_t n) {
  for (std::int64_t i = 0; i < n; i += 16) {
    const auto lanes = static_cast<__mmask16>(n - i >= 16 ? 0xffff : (1u << (n - i)) - 1);
    const __m256i h = _mm512_cvtps_ph(_mm512_maskz_loadu_ps(lanes, src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm256_mask_storeu_epi16(dst + i, lanes, h);
  }
}

// The lane sums of rms_norm_row_scalar(), added in lane order.
double sum_of_squares(const float* x, std::int64_t d) {
  __m512d low = _mm512_setzero_pd(), high = _mm512_setzero_pd();  // lanes 0..7 and 8..15
  for (std::int64_t i = 0; i < d; i += 16) {
    const auto lanes = static_cast<__mmask16>(d - i >= 16 ? 0xffff : (1u << (d - i)) - 1);
    const __m512 v = _mm512_maskz_loadu_ps(lanes, x + i);
    const __m512d a = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
    const __m512d b = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    low = _mm512_add_pd(low, _mm512_mul_pd(a, a));
    high = _mm512_add_pd(high, _mm512_mul_pd(b, b));
  }
  alignas(64) double l[16];
  _mm512_store_pd(l, low);
  _mm512_store_pd(l + 8, high);
  double sum = 0.0;
  for (double v : l) sum += v;
  return sum;
}

void scale_row(const float* x, float scale, const float* weight, std::int64_t d, float* out) {
  const __m512 s = _mm512_set1_ps(scale);
  for (std::int64_t i = 0; i < d; i += 16) {
    const auto lanes = static_cast<__mmask16>(d - i >= 16 ? 0xffff : (1u << (d - i)) - 1);
    const __m512 v = _mm512_mul_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, x + i), s), _mm512_maskz_loadu_ps(lanes, weight + i));
    _mm512_mask_storeu_ps(out + i, lanes, v);
  }
}

void round_to_fp16(float* v, std::int64_t n) {
  for (std::int64_t i = 0; i < n; i += 16) {
    const auto lanes = static_cast<__mmask16>(n - i >= 16 ? 0xffff : (1u << (n - i)) - 1);
    const __m256i h = _mm512_cvtps_ph(_mm512_maskz_loadu_ps(lanes, v + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm512_mask_storeu_ps(v + i, lanes, _mm512_cvtph_ps(h));
  }
}

}  // namespace sextant::runtime::avx512
