// fast_exp() on sixteen lanes, operation for operation (included by AVX-512 kernels only).
#pragma once

#include <immintrin.h>

#include "runtime/cpu/fast_exp.hpp"

namespace sextant::runtime::avx512 {

inline __m512 fast_exp16(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(FastExp::kMin)), _mm512_set1_ps(FastExp::kMax));
  const __m512 round = _mm512_set1_ps(FastExp::kRound);
  const __m512 k = _mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(FastExp::kLog2e)), round), round);
  __m512 r = _mm512_fmadd_ps(k, _mm512_set1_ps(-FastExp::kLn2Hi), x);
  r = _mm512_fmadd_ps(k, _mm512_set1_ps(-FastExp::kLn2Lo), r);
  __m512 p = _mm512_set1_ps(FastExp::kC[6]);
  for (int i = 5; i >= 0; --i) p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(FastExp::kC[i]));
  const __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvttps_epi32(k), _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
}

}  // namespace sextant::runtime::avx512
