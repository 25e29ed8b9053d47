// Attention with AVX2 + FMA + F16C: eight (token, head) pairs per register.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/fast_exp.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime::avx2 {

namespace {

// A mask of the first n of eight lanes.
inline __m256i first_lanes(int n) { return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)); }

struct Simd {
  static constexpr int kLanes = 8;
  using Vec = __m256;
  using Mask = __m256;
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec set1(float v) { return _mm256_set1_ps(v); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
  static Vec load_n(const float* p, int n) { return n == 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, first_lanes(n)); }
  static void store_n(float* p, Vec v, int n) {
    if (n == 8) _mm256_storeu_ps(p, v);
    else _mm256_maskstore_ps(p, first_lanes(n), v);
  }
  static Vec load_half_n(const std::uint16_t* p, int n) {
    if (n == 8) return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    alignas(16) std::uint16_t h[8] = {};
    std::copy_n(p, n, h);
    return _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(h)));
  }
  static Vec round_to_half(Vec v) { return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm256_sub_ps(a, b); }
  static Vec div(Vec a, Vec b) { return _mm256_div_ps(a, b); }
  static Vec max(Vec a, Vec b) { return _mm256_max_ps(a, b); }
  // Lanes whose length is above position g.
  static Mask below(const std::int32_t* lengths, std::int64_t g) {
    const __m256i len = _mm256_load_si256(reinterpret_cast<const __m256i*>(lengths));
    return _mm256_castsi256_ps(_mm256_cmpgt_epi32(len, _mm256_set1_epi32(static_cast<std::int32_t>(g))));
  }
  static Vec select(Mask m, Vec a, Vec b) { return _mm256_blendv_ps(b, a, m); }
  // fast_exp() on eight lanes, operation for operation.
  static Vec exp(Vec x) {
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
};

}  // namespace

#include "runtime/cpu/attention_simd.inl"

AttentionFn attention_kernel() { return attention; }

}  // namespace sextant::runtime::avx2
