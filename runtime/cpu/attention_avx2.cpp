// Attention with AVX2 + F16C: keys and values read eight at a time (fp16 converted on load).
#include <immintrin.h>

#include <cmath>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime::avx2 {

namespace {

template <bool kHalf>
inline __m256 load8(const void* row, std::int64_t i) {
  if constexpr (kHalf)
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const std::uint16_t*>(row) + i)));
  else
    return _mm256_loadu_ps(static_cast<const float*>(row) + i);
}

template <bool kHalf>
void attention(const AttentionInput& in, float* scores, float* out) {
  const std::int64_t d = in.head_dim;
  float max = -INFINITY;
  alignas(32) float lanes[8];
  for (std::int64_t p = 0; p < in.length; ++p) {
    __m256 acc = _mm256_setzero_ps();
    for (std::int64_t i = 0; i < d; i += 8) acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(in.q + i), load8<kHalf>(in.keys[p], i)));
    _mm256_store_ps(lanes, acc);
    scores[p] = reduce_lanes(lanes) * in.scale;
    max = scores[p] > max ? scores[p] : max;
  }
  float sum = 0.0f;
  for (std::int64_t p = 0; p < in.length; ++p) {
    scores[p] = std::exp(scores[p] - max);
    sum = sum + scores[p];
  }
  for (std::int64_t i = 0; i < d; i += 32) {  // 4 registers of output at a time
    const std::int64_t n = d - i >= 32 ? 4 : (d - i) / 8;
    __m256 o[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (std::int64_t p = 0; p < in.length; ++p) {
      const __m256 w = _mm256_set1_ps(scores[p] / sum);
      for (std::int64_t k = 0; k < n; ++k) o[k] = _mm256_add_ps(o[k], _mm256_mul_ps(w, load8<kHalf>(in.values[p], i + 8 * k)));
    }
    for (std::int64_t k = 0; k < n; ++k) _mm256_storeu_ps(out + i + 8 * k, o[k]);
  }
}

void dispatch(const AttentionInput& in, float* scores, float* out) {
  if (in.fp16) attention<true>(in, scores, out);
  else attention<false>(in, scores, out);
}

}  // namespace

AttentionFn attention_kernel() { return dispatch; }

}  // namespace sextant::runtime::avx2
