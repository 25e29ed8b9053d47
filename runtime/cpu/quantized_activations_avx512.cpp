// One block of activation quantization with AVX-512, operation for operation as the plain
// form in quantized_activations.cpp (the maximum and the integer sum are exact in any order).
#include <immintrin.h>

#include <cstdint>

namespace sextant::runtime::avx512 {

int quantize_block(const float* x, std::int8_t* q, float& amax) {
  const __m512 a = _mm512_loadu_ps(x), b = _mm512_loadu_ps(x + 16);
  amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(b)));
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  const __m512 scale = _mm512_set1_ps(id), magic = _mm512_set1_ps(12582912.0f);  // round_half_even()'s constant
  const __m512i qa = _mm512_cvttps_epi32(_mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(a, scale), magic), magic));
  const __m512i qb = _mm512_cvttps_epi32(_mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(b, scale), magic), magic));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(q), _mm512_cvtepi32_epi8(qa));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(q + 16), _mm512_cvtepi32_epi8(qb));
  return _mm512_reduce_add_epi32(_mm512_add_epi32(qa, qb));
}

}  // namespace sextant::runtime::avx512
