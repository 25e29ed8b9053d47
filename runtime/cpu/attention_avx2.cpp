// Attention with AVX2 + F16C: fp16 keys and values converted eight at a time.
#include <immintrin.h>

#include <cmath>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime::avx2 {

namespace {

inline __m256 load_half8(const std::uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }

void attention(const AttentionInput& in, float* scores, float* out) {
  const std::int64_t d = in.head_dim;
  float max = -INFINITY;
  alignas(32) float lanes[8];
  for (std::int64_t p = 0; p < in.length; ++p) {
    __m256 acc = _mm256_setzero_ps();
    for (std::int64_t i = 0; i < d; i += 8)
      acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(in.q + i), load_half8(in.keys[p] + i)));
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
      for (std::int64_t k = 0; k < n; ++k) o[k] = _mm256_add_ps(o[k], _mm256_mul_ps(w, load_half8(in.values[p] + i + 8 * k)));
    }
    for (std::int64_t k = 0; k < n; ++k) _mm256_storeu_ps(out + i + 8 * k, o[k]);
  }
}

}  // namespace

AttentionFn attention_kernel() { return attention; }

}  // namespace sextant::runtime::avx2
