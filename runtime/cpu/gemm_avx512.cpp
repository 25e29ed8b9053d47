// GEMM kernels with AVX-512 VNNI: one pair of blocks per 512-bit register (pair-interleaved,
// see quantized_activations.hpp), in the order of gemm.hpp; several tokens at a time so
// their accumulation chains overlap, on tiles of tokens small enough to stay in L1.
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/gemm_unpack_x86.hpp"

namespace sextant::runtime::avx512 {

namespace {

constexpr std::int64_t kTokenTile = 8;   // tokens whose activations stay in L1 while rows sweep them
constexpr std::int64_t kRowGroup = 16;   // rows unpacked together

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

// Two consecutive floats (the scales of a pair) repeated over the 16 interleaved lanes.
// Loaded through __m128i, whose type may alias the floats (a double* load may not).
inline __m512 pair_broadcast(const float* two) {
  return _mm512_broadcast_f32x2(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(two))));
}

// -128 * (lane sums of the weights): makes the sum over (x + 128) * w equal the sum over x * w.
inline __m512i signed_correction(__m512i w) {
  return _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_set1_epi8(static_cast<char>(0x80)), w));
}

// kSigned: Q8_0 / Q4_0 values are signed; the activations are made unsigned by adding 128
// (a xor) and the sums corrected exactly.
template <bool kSigned>
inline __m512i pair_sums(__m512i w, __m512i correction, const std::int8_t* x) {
  const __m512i xv = _mm512_loadu_si512(x);
  if (kSigned) return _mm512_dpbusd_epi32(correction, _mm512_xor_si512(xv, _mm512_set1_epi8(static_cast<char>(0x80))), w);
  return _mm512_dpbusd_epi32(_mm512_setzero_si512(), w, xv);
}

// Q4_1's min term, sum over blocks of min * sum(x), in gemm.hpp's lane order.
inline float min_term(const float* mins, const float* s, std::int64_t s_stride) {
  __m512 acc = _mm512_setzero_ps();
  for (std::int64_t c = 0; c < s_stride; c += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(mins + c), _mm512_loadu_ps(s + c), acc);
  return reduce_spec(acc);
}

struct RowPlanes {
  UnpackedRow row;
  std::vector<__m512i> values;      // (rows, pairs)
  std::vector<__m512i> correction;  // (rows, pairs), signed types only
  std::vector<__m512> scales;       // (rows, pairs) the two blocks' scales, interleaved
  std::vector<float> mins;          // (rows, s_stride)
};

template <bool kSigned, bool kHasMin, int kTokens>
inline void row_times_tokens(const RowPlanes& rp, std::int64_t i, std::int64_t pairs, const QuantizedActivations& x,
                             std::int64_t t0, float* y, std::int64_t stride, std::int64_t r) {
  const __m512i* values = rp.values.data() + i * pairs;
  const __m512i* correction = rp.correction.data() + i * pairs;
  const __m512* scales = rp.scales.data() + i * pairs;
  __m512 acc[kTokens];
  for (int k = 0; k < kTokens; ++k) acc[k] = _mm512_setzero_ps();
  for (std::int64_t p = 0; p < pairs; ++p) {
    for (int k = 0; k < kTokens; ++k) {
      const __m512i sums = pair_sums<kSigned>(values[p], kSigned ? correction[p] : _mm512_setzero_si512(), x.row_qs(t0 + k) + p * 64);
      const __m512 scale = _mm512_mul_ps(scales[p], pair_broadcast(x.row_d(t0 + k) + 2 * p));
      acc[k] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(sums), acc[k]);
    }
  }
  for (int k = 0; k < kTokens; ++k) {
    float result = reduce_interleaved(acc[k]);
    if (kHasMin) result += min_term(rp.mins.data() + i * x.s_stride, x.row_s(t0 + k), x.s_stride);
    y[(t0 + k) * stride + r] = result;
  }
}

// Few tokens (decoding): each pair unpacked in registers straight from the file's blocks.
template <bool kSigned, bool kHasMin>
void gemv(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  const std::int64_t nb = x.blocks, pairs = (nb + 1) / 2;
  for (std::int64_t r = r0; r < r1; ++r) {
    const std::uint8_t* row = w.row(r);
    __m512 acc[3] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (std::int64_t p = 0; p < pairs; ++p) {
      alignas(8) float ws[2] = {0.0f, 0.0f};
      float m0 = 0.0f, m1 = 0.0f;  // Q4_1's mins are read again below, in lane order
      const __m256i a = x86::block_values(w.type, row, 2 * p, ws[0], m0);
      const __m256i b = 2 * p + 1 < nb ? x86::block_values(w.type, row, 2 * p + 1, ws[1], m1) : _mm256_setzero_si256();
      __m256i first, second;
      x86::interleave_pair(a, b, first, second);
      const __m512i wv = _mm512_inserti64x4(_mm512_castsi256_si512(first), second, 1);
      const __m512i correction = kSigned ? signed_correction(wv) : _mm512_setzero_si512();
      const __m512 wscale = pair_broadcast(ws);
      for (std::int64_t t = 0; t < x.rows; ++t) {
        const __m512i sums = pair_sums<kSigned>(wv, correction, x.row_qs(t) + p * 64);
        const __m512 scale = _mm512_mul_ps(wscale, pair_broadcast(x.row_d(t) + 2 * p));
        acc[t] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(sums), acc[t]);
      }
    }
    for (std::int64_t t = 0; t < x.rows; ++t) {
      float result = reduce_interleaved(acc[t]);
      if (kHasMin) {
        alignas(64) float lane[16] = {};
        const auto* blocks = reinterpret_cast<const BlockQ4_1*>(row);
        const float* s = x.row_s(t);
        for (std::int64_t i = 0; i < nb; ++i) lane[i % 16] = std::fma(_cvtsh_ss(blocks[i].m), s[i], lane[i % 16]);
        result += reduce_spec(_mm512_load_ps(lane));
      }
      y[t * stride + r] = result;
    }
  }
}

template <bool kSigned, bool kHasMin>
void gemm(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  if (x.rows < 4) return gemv<kSigned, kHasMin>(w, r0, r1, x, y, stride);
  thread_local RowPlanes rp;
  const std::int64_t pairs = (x.blocks + 1) / 2;
  rp.values.resize(static_cast<std::size_t>(kRowGroup * pairs));
  rp.correction.resize(rp.values.size());
  rp.scales.resize(rp.values.size());
  rp.mins.resize(static_cast<std::size_t>(kRowGroup * x.s_stride));
  for (std::int64_t g0 = r0; g0 < r1; g0 += kRowGroup) {
    const std::int64_t n_rows = std::min(kRowGroup, r1 - g0);
    for (std::int64_t i = 0; i < n_rows; ++i) {
      x86::unpack_row(w, g0 + i, rp.row);
      for (std::int64_t p = 0; p < pairs; ++p) {
        const __m512i wv = _mm512_loadu_si512(rp.row.values.data() + p * 64);
        rp.values[i * pairs + p] = wv;
        if (kSigned) rp.correction[i * pairs + p] = signed_correction(wv);
        rp.scales[i * pairs + p] = pair_broadcast(rp.row.scales.data() + 2 * p);
      }
      if (kHasMin) std::copy_n(rp.row.mins.data(), x.s_stride, rp.mins.data() + i * x.s_stride);
    }
    for (std::int64_t tile = 0; tile < x.rows; tile += kTokenTile) {
      const std::int64_t tile_end = std::min(x.rows, tile + kTokenTile);
      for (std::int64_t i = 0; i < n_rows; ++i) {
        std::int64_t t = tile;
        for (; t + 4 <= tile_end; t += 4) row_times_tokens<kSigned, kHasMin, 4>(rp, i, pairs, x, t, y, stride, g0 + i);
        for (; t < tile_end; ++t) row_times_tokens<kSigned, kHasMin, 1>(rp, i, pairs, x, t, y, stride, g0 + i);
      }
    }
  }
}

}  // namespace

const GemmKernels& gemm_kernels() {
  static const GemmKernels k{"avx512vnni", gemm<true, false>, gemm<true, false>, gemm<false, true>};
  return k;
}

}  // namespace sextant::runtime::avx512
