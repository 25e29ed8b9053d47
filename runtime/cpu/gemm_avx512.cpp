// GEMM kernels with AVX-512 VNNI over repacked weights (packed_weights.hpp): one pair of
// blocks per 512-bit register, in the order of gemm.hpp; several tokens at a time so their
// accumulation chains overlap, on tiles of tokens small enough to stay in L1.
#include <immintrin.h>

#include <algorithm>

#include "core/error.hpp"
#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/packed_weights.hpp"

namespace sextant::runtime::avx512 {

namespace {

constexpr std::int64_t kTokenTile = 8;  // tokens whose activations stay in L1 while rows sweep them

// reduce16 of gemm.hpp applied to an interleaved accumulator (lane 2i + h = spec lane 8h + i).
inline float reduce_interleaved(__m512 v) {
  const __m512i to_spec = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
  const __m512 a = _mm512_permutexvar_ps(to_spec, v);
  const __m256 t = _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));  // t[j] = a[j] + a[j+8]
  const __m128 u = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));       // t0+t4, t1+t5, t2+t6, t3+t7
  const __m128 w = _mm_add_ps(u, _mm_movehl_ps(u, u));                                         // (t0+t4)+(t2+t6), (t1+t5)+(t3+t7)
  return _mm_cvtss_f32(_mm_add_ss(w, _mm_movehdup_ps(w)));
}

// reduce16 of an accumulator already in spec lane order.
inline float reduce_spec(__m512 a) {
  const __m256 t = _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
  const __m128 u = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
  const __m128 w = _mm_add_ps(u, _mm_movehl_ps(u, u));
  return _mm_cvtss_f32(_mm_add_ss(w, _mm_movehdup_ps(w)));
}

// Two consecutive floats repeated over the 16 interleaved lanes (loaded through __m128i,
// whose type may alias them).
inline __m512 pair_broadcast(const float* two) {
  return _mm512_castpd_ps(_mm512_broadcastsd_pd(_mm_castsi128_pd(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(two)))));
}

// The same for two consecutive fp16 values.
inline __m512 pair_broadcast(const std::uint16_t* two) {
  const __m128i halves = _mm_cvtsi32_si128(*reinterpret_cast<const int*>(two));
  return _mm512_castpd_ps(_mm512_broadcastsd_pd(_mm_castps_pd(_mm_cvtph_ps(halves))));
}

enum class Kind { Q8_0, Q4_0, Q4_1 };

// The 64 unsigned values of pair p of a packed row.
template <Kind K>
inline __m512i pair_values(const std::uint8_t* values, std::int64_t p) {
  if constexpr (K == Kind::Q8_0) {
    return _mm512_loadu_si512(values + p * 64);
  } else {
    // Both halves get the 32 packed bytes; the upper half shifts its nibbles down.
    const __m512i both = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + p * 32)));
    const __m512i shifted = _mm512_srlv_epi64(both, _mm512_setr_epi64(0, 0, 0, 0, 4, 4, 4, 4));
    return _mm512_and_si512(shifted, _mm512_set1_epi8(0x0f));
  }
}

// The exact integer sums of the signed products: unsigned weights (Q8_0: value + 128; Q4_0:
// value + 8) are corrected by the activations' lane sums.
template <Kind K>
inline __m512i pair_sums(__m512i w, const QuantizedActivations& x, std::int64_t t, std::int64_t p) {
  const __m512i xv = _mm512_loadu_si512(x.row_qs(t) + p * 64);
  if constexpr (K == Kind::Q4_1) {
    return _mm512_dpbusd_epi32(_mm512_setzero_si512(), w, xv);
  } else {
    __m512i corr = _mm512_loadu_si512(x.row_correction(t) + p * 16);  // -128 * lane sums
    if constexpr (K == Kind::Q4_0) corr = _mm512_srai_epi32(corr, 4);  // -8 * lane sums
    return _mm512_dpbusd_epi32(corr, w, xv);
  }
}

template <Kind K, int kTokens>
inline void row_times_tokens(const PackedMatrix& pm, std::int64_t r, const QuantizedActivations& x, std::int64_t t0, float* y,
                             std::int64_t stride) {
  const std::uint8_t* values = pm.values(r);
  const std::uint16_t* scales = pm.scales(r);
  __m512 acc[kTokens];
  for (int k = 0; k < kTokens; ++k) acc[k] = _mm512_setzero_ps();
  for (std::int64_t p = 0; p < pm.pairs(); ++p) {
    const __m512i w = pair_values<K>(values, p);
    const __m512 ws = pair_broadcast(scales + 2 * p);
    for (int k = 0; k < kTokens; ++k) {
      const __m512i sums = pair_sums<K>(w, x, t0 + k, p);
      const __m512 scale = _mm512_mul_ps(ws, pair_broadcast(x.row_d(t0 + k) + 2 * p));
      acc[k] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(sums), acc[k]);
    }
  }
  for (int k = 0; k < kTokens; ++k) {
    float result = reduce_interleaved(acc[k]);
    if constexpr (K == Kind::Q4_1) {
      const std::uint16_t* m = pm.mins(r);
      const float* s = x.row_s(t0 + k);
      __m512 mins = _mm512_setzero_ps();
      for (std::int64_t c = 0; c < pm.blocks(); c += 16) {
        const std::int64_t left = pm.blocks() - c;
        const __mmask16 mask = left >= 16 ? 0xffff : static_cast<__mmask16>((1u << left) - 1);
        const __m512 mv = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, m + c));
        mins = _mm512_mask3_fmadd_ps(mv, _mm512_loadu_ps(s + c), mins, mask);
      }
      result += reduce_spec(mins);
    }
    y[(t0 + k) * stride + r] = result;
  }
}

template <Kind K>
void gemm(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  if (!w.packed) fail("the AVX-512 kernels need packed weights");
  const PackedMatrix& pm = *w.packed;
  for (std::int64_t tile = 0; tile < x.rows; tile += kTokenTile) {
    const std::int64_t tile_end = std::min(x.rows, tile + kTokenTile);
    for (std::int64_t r = r0; r < r1; ++r) {
      std::int64_t t = tile;
      for (; t + 4 <= tile_end; t += 4) row_times_tokens<K, 4>(pm, r, x, t, y, stride);
      for (; t + 2 <= tile_end; t += 2) row_times_tokens<K, 2>(pm, r, x, t, y, stride);
      for (; t < tile_end; ++t) row_times_tokens<K, 1>(pm, r, x, t, y, stride);
    }
  }
}

}  // namespace

const GemmKernels& gemm_kernels() {
  static const GemmKernels k{"avx512vnni", gemm<Kind::Q8_0>, gemm<Kind::Q4_0>, gemm<Kind::Q4_1>};
  return k;
}

}  // namespace sextant::runtime::avx512
