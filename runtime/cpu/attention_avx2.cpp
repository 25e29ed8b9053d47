// Attention with AVX2 + F16C: each cached key and value row is loaded once for all the query
// heads of its group; exponentials eight at a time.
#include <immintrin.h>

#include <cmath>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/fast_exp.hpp"
#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime::avx2 {

namespace {

template <bool kHalf>
inline __m256 load8(const void* rows, std::int64_t i) {
  if constexpr (kHalf)
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const std::uint16_t*>(rows) + i)));
  else
    return _mm256_loadu_ps(static_cast<const float*>(rows) + i);
}

// fast_exp() on eight lanes, operation for operation.
inline __m256 exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(FastExp::kMin)), _mm256_set1_ps(FastExp::kMax));
  const __m256 round = _mm256_set1_ps(FastExp::kRound);
  const __m256 k = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(x, _mm256_set1_ps(FastExp::kLog2e)), round), round);
  __m256 r = _mm256_fmadd_ps(k, _mm256_set1_ps(-FastExp::kLn2Hi), x);
  r = _mm256_fmadd_ps(k, _mm256_set1_ps(-FastExp::kLn2Lo), r);
  __m256 p = _mm256_set1_ps(FastExp::kC[6]);
  for (int i = 5; i >= 0; --i) p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(FastExp::kC[i]));
  const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(k), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

template <bool kHalf>
void attention(const AttentionInput& in, float* scratch, float* out) {
  const std::int64_t d = in.head_dim, nq = in.n_q;
  alignas(32) float q[kMaxGroup * 512];
  for (std::int64_t i = 0; i < nq * d; i += 8) {
    __m256 v = _mm256_loadu_ps(in.q + i);
    if (kHalf) v = _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
    _mm256_store_ps(q + i, v);
  }
  float max[kMaxGroup];
  for (std::int64_t h = 0; h < nq; ++h) max[h] = -INFINITY;
  alignas(32) float lanes[8];
  std::int64_t p = 0;
  for (std::int64_t s = 0; s < in.n_spans; ++s) {
    for (std::int64_t j = 0; j < in.spans[s].count; ++j, ++p) {
      const std::int64_t base = j * in.row_stride + in.head_offset;
      __m256 acc[kMaxGroup];
      for (std::int64_t h = 0; h < nq; ++h) acc[h] = _mm256_setzero_ps();
      for (std::int64_t i = 0; i < d; i += 8) {
        const __m256 kv = load8<kHalf>(in.spans[s].k, base + i);
        for (std::int64_t h = 0; h < nq; ++h) acc[h] = _mm256_add_ps(acc[h], _mm256_mul_ps(_mm256_load_ps(q + h * d + i), kv));
      }
      for (std::int64_t h = 0; h < nq; ++h) {
        _mm256_store_ps(lanes, acc[h]);
        const float score = reduce_lanes(lanes) * in.scale;
        scratch[h * in.length + p] = score;
        max[h] = score > max[h] ? score : max[h];
      }
    }
  }
  float sums[kMaxGroup];
  for (std::int64_t h = 0; h < nq; ++h) {
    float* scores = scratch + h * in.length;
    const __m256 m = _mm256_set1_ps(max[h]);
    std::int64_t i = 0;
    for (; i + 8 <= in.length; i += 8) _mm256_storeu_ps(scores + i, exp8(_mm256_sub_ps(_mm256_loadu_ps(scores + i), m)));
    for (; i < in.length; ++i) scores[i] = fast_exp(scores[i] - max[h]);
    float sum = 0.0f;
    for (i = 0; i < in.length; ++i) sum = sum + scores[i];
    sums[h] = sum;
  }
  for (std::int64_t i = 0; i < d; i += 16) {  // two registers of output per head at a time
    const bool two = d - i >= 16;
    __m256 o[kMaxGroup][2];
    for (std::int64_t h = 0; h < nq; ++h) o[h][0] = o[h][1] = _mm256_setzero_ps();
    p = 0;
    for (std::int64_t s = 0; s < in.n_spans; ++s) {
      for (std::int64_t j = 0; j < in.spans[s].count; ++j, ++p) {
        const std::int64_t base = j * in.row_stride + in.head_offset + i;
        const __m256 v0 = load8<kHalf>(in.spans[s].v, base);
        const __m256 v1 = two ? load8<kHalf>(in.spans[s].v, base + 8) : _mm256_setzero_ps();
        for (std::int64_t h = 0; h < nq; ++h) {
          const __m256 w = _mm256_set1_ps(scratch[h * in.length + p] / sums[h]);
          o[h][0] = _mm256_add_ps(o[h][0], _mm256_mul_ps(w, v0));
          if (two) o[h][1] = _mm256_add_ps(o[h][1], _mm256_mul_ps(w, v1));
        }
      }
    }
    for (std::int64_t h = 0; h < nq; ++h) {
      _mm256_storeu_ps(out + h * d + i, o[h][0]);
      if (two) _mm256_storeu_ps(out + h * d + i + 8, o[h][1]);
    }
  }
}

void dispatch(const AttentionInput& in, float* scratch, float* out) {
  if (in.fp16) attention<true>(in, scratch, out);
  else attention<false>(in, scratch, out);
}

}  // namespace

AttentionFn attention_kernel() { return dispatch; }

}  // namespace sextant::runtime::avx2
