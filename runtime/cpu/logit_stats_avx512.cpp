// logit_stats() with AVX-512, in the order of logit_stats.hpp.
#include <immintrin.h>

#include <cmath>

#include "runtime/cpu/fast_exp_avx512.hpp"
#include "runtime/cpu/logit_stats.hpp"

namespace sextant::runtime::avx512 {

LogitStats logit_stats(const float* logits, std::int64_t n) {
  LogitStats s;
  const std::int64_t whole = n / 16 * 16;
  const auto tail = static_cast<__mmask16>((1u << (n - whole)) - 1);
  __m512 vmax = _mm512_set1_ps(-INFINITY);
  for (std::int64_t i = 0; i < whole; i += 16) vmax = _mm512_max_ps(vmax, _mm512_loadu_ps(logits + i));
  if (tail) vmax = _mm512_mask_max_ps(vmax, tail, vmax, _mm512_maskz_loadu_ps(tail, logits + whole));
  s.max = _mm512_reduce_max_ps(vmax);
  const __m512 m = _mm512_set1_ps(s.max);
  for (std::int64_t i = 0; i < n; i += 16) {  // no hit only when the maximum is NaN: argmax stays 0
    const __mmask16 lanes = i < whole ? 0xffff : tail;
    const __mmask16 hit = _mm512_mask_cmpeq_ps_mask(lanes, _mm512_maskz_loadu_ps(lanes, logits + i), m);
    if (hit) {
      s.argmax = i + __builtin_ctz(hit);
      break;
    }
  }
  __m512d low = _mm512_setzero_pd(), high = _mm512_setzero_pd();  // lanes 0..7 and 8..15
  // Lanes past the end add exactly 0 (fast_exp's clamp would not give 0 for them).
  auto add = [&](__m512 x, __mmask16 lanes) {
    const __m512 e = _mm512_maskz_mov_ps(lanes, fast_exp16(_mm512_sub_ps(x, m)));
    low = _mm512_add_pd(low, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
    high = _mm512_add_pd(high, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
  };
  for (std::int64_t i = 0; i < whole; i += 16) add(_mm512_loadu_ps(logits + i), 0xffff);
  if (tail) add(_mm512_maskz_loadu_ps(tail, logits + whole), tail);
  alignas(64) double lanes[16];
  _mm512_store_pd(lanes, low);
  _mm512_store_pd(lanes + 8, high);
  double sum = 0.0;
  for (double l : lanes) sum += l;
  s.log_sum_exp = static_cast<double>(s.max) + std::log(sum);
  return s;
}

}  // namespace sextant::runtime::avx512
