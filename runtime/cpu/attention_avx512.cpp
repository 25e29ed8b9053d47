// Attention with AVX-512: sixteen (token, head) pairs per register.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/fast_exp_avx512.hpp"
#include "runtime/cpu/lane_mask_avx512.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime::avx512 {

namespace {

struct Simd {
  static constexpr int kLanes = 16;
  using Vec = __m512;
  using Mask = __mmask16;
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec set1(float v) { return _mm512_set1_ps(v); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  static Vec load_n(const float* p, int n) { return _mm512_maskz_loadu_ps(first_lanes(n), p); }
  static void store_n(float* p, Vec v, int n) { _mm512_mask_storeu_ps(p, first_lanes(n), v); }
  static Vec load_half_n(const std::uint16_t* p, int n) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(first_lanes(n), p)); }
  static Vec round_to_half(Vec v) { return _mm512_cvtph_ps(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm512_sub_ps(a, b); }
  static Vec div(Vec a, Vec b) { return _mm512_div_ps(a, b); }
  static Vec max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
  static Mask below(const std::int32_t* lengths, std::int64_t g) {
    return _mm512_cmpgt_epi32_mask(_mm512_load_si512(lengths), _mm512_set1_epi32(static_cast<std::int32_t>(g)));
  }
  static Vec select(Mask m, Vec a, Vec b) { return _mm512_mask_blend_ps(m, b, a); }
  static Vec exp(Vec x) { return fast_exp16(x); }
};

}  // namespace

#include "runtime/cpu/attention_simd.inl"

AttentionFn attention_kernel() { return attention; }

}  // namespace sextant::runtime::avx512
