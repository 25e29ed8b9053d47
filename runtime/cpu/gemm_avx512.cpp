// GEMM kernels with AVX-512 VNNI: two blocks per 512-bit register, in the order of gemm.hpp;
// four tokens at a time so that their accumulation chains overlap.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/gemm_unpack_x86.hpp"

namespace sextant::runtime::avx512 {

namespace {

// reduce16 of gemm.hpp, vectorised in the same order.
inline float reduce16(__m512 v) {
  const __m256 t = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));  // t[j] = a[j] + a[j+8]
  const __m128 u = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));       // t0+t4, t1+t5, t2+t6, t3+t7
  const __m128 w = _mm_add_ps(u, _mm_movehl_ps(u, u));                                         // (t0+t4)+(t2+t6), (t1+t5)+(t3+t7)
  return _mm_cvtss_f32(_mm_add_ss(w, _mm_movehdup_ps(w)));
}

// The rows of one task, unpacked once and reused for every tile of tokens.
struct RowPlanes {
  UnpackedRow row;
  std::vector<__m512i> values;      // (rows, pairs)
  std::vector<__m512i> correction;  // (rows, pairs) signed types: -128 * (lane sums of the weights)
  std::vector<__m512> scales;       // (rows, pairs) the two blocks' scales, 8 lanes each
  std::vector<float> mins;          // (rows, s_stride)
};

constexpr std::int64_t kTokenTile = 8;  // tokens whose activations stay in L1 while rows sweep them

// kSigned: Q8_0 / Q4_0 values are signed; the activations are made unsigned by adding 128
// and the product sums corrected by 128 * (sum of the weights), exactly.
template <bool kSigned, bool kHasMin, int kTokens>
inline void row_times_tokens(const RowPlanes& rp, std::int64_t i, std::int64_t pairs, const QuantizedActivations& x,
                             std::int64_t t0, float* y, std::int64_t stride, std::int64_t r) {
  const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i* values = rp.values.data() + i * pairs;
  const __m512i* correction = rp.correction.data() + i * pairs;
  const __m512* scales = rp.scales.data() + i * pairs;
  __m512 acc[kTokens];
  for (int k = 0; k < kTokens; ++k) acc[k] = _mm512_setzero_ps();
  for (std::int64_t p = 0; p < pairs; ++p) {
    const __m512i wv = values[p];
    for (int k = 0; k < kTokens; ++k) {
      const __m512i xv = _mm512_loadu_si512(x.row_qs(t0 + k) + p * 64);
      const __m512i sums = kSigned ? _mm512_dpbusd_epi32(correction[p], _mm512_xor_si512(xv, bias), wv)
                                   : _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv, xv);
      const __m512 scale = _mm512_mul_ps(scales[p], _mm512_loadu_ps(x.row_d8(t0 + k) + p * 16));
      acc[k] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(sums), acc[k]);
    }
  }
  for (int k = 0; k < kTokens; ++k) {
    float result = reduce16(acc[k]);
    if (kHasMin) {
      __m512 mins = _mm512_setzero_ps();
      const float* s = x.row_s(t0 + k);
      const float* m = rp.mins.data() + i * x.s_stride;
      for (std::int64_t c = 0; c < x.s_stride; c += 16) mins = _mm512_fmadd_ps(_mm512_loadu_ps(m + c), _mm512_loadu_ps(s + c), mins);
      result += reduce16(mins);
    }
    y[(t0 + k) * stride + r] = result;
  }
}

// One pair of blocks (2p, 2p+1) of a row straight from the file's blocks, in element order
// (zero for a missing second block), with its two scales spread over 8 lanes each.
template <bool kSigned>
inline void load_pair(TensorType type, const std::uint8_t* row, std::int64_t nb, std::int64_t p, __m512i& values, __m512& scales) {
  const std::int64_t b0 = 2 * p, b1 = 2 * p + 1;
  const bool has_second = b1 < nb;
  __m256i lo, hi;
  float d0, d1 = 0.0f;
  if (type == TensorType::Q8_0) {
    const auto* b = reinterpret_cast<const BlockQ8_0*>(row);
    lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[b0].qs));
    hi = has_second ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[b1].qs)) : _mm256_setzero_si256();
    d0 = _cvtsh_ss(b[b0].d);
    if (has_second) d1 = _cvtsh_ss(b[b1].d);
  } else {
    // Q4_0 and Q4_1 share the nibble layout; Q4_0 values are nibble - 8.
    const std::size_t bytes = type == TensorType::Q4_0 ? sizeof(BlockQ4_0) : sizeof(BlockQ4_1);
    const std::size_t qs_offset = type == TensorType::Q4_0 ? 2 : 4;
    auto nibbles = [&](std::int64_t b) {
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + b * bytes + qs_offset));
      const __m128i mask = _mm_set1_epi8(0x0f);
      __m256i v = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), mask), _mm_and_si128(q, mask));
      if (kSigned) v = _mm256_sub_epi8(v, _mm256_set1_epi8(8));
      return v;
    };
    lo = nibbles(b0);
    hi = has_second ? nibbles(b1) : _mm256_setzero_si256();
    std::uint16_t h;
    std::memcpy(&h, row + b0 * bytes, 2);
    d0 = _cvtsh_ss(h);
    if (has_second) {
      std::memcpy(&h, row + b1 * bytes, 2);
      d1 = _cvtsh_ss(h);
    }
  }
  values = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
  scales = _mm512_insertf32x8(_mm512_set1_ps(d0), _mm256_set1_ps(d1), 1);
}

// Few tokens (decoding): weights read straight from their blocks, no unpacked copy.
template <bool kSigned, bool kHasMin>
void gemv(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  const std::int64_t nb = x.blocks, pairs = (nb + 1) / 2;
  const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
  for (std::int64_t r = r0; r < r1; ++r) {
    const std::uint8_t* row = w.row(r);
    __m512 acc[3] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (std::int64_t p = 0; p < pairs; ++p) {
      __m512i wv;
      __m512 ws;
      load_pair<kSigned>(w.type, row, nb, p, wv, ws);
      const __m512i correction =
          kSigned ? _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), bias, wv))
                  : _mm512_setzero_si512();
      for (std::int64_t t = 0; t < x.rows; ++t) {
        const __m512i xv = _mm512_loadu_si512(x.row_qs(t) + p * 64);
        const __m512i sums = kSigned ? _mm512_dpbusd_epi32(correction, _mm512_xor_si512(xv, bias), wv)
                                     : _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv, xv);
        const __m512 scale = _mm512_mul_ps(ws, _mm512_loadu_ps(x.row_d8(t) + p * 16));
        acc[t] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(sums), acc[t]);
      }
    }
    for (std::int64_t t = 0; t < x.rows; ++t) {
      float result = reduce16(acc[t]);
      if (kHasMin) {
        alignas(64) float mins[16] = {};
        const auto* b = reinterpret_cast<const BlockQ4_1*>(row);
        const float* s = x.row_s(t);
        for (std::int64_t i = 0; i < nb; ++i) mins[i % 16] = std::fma(_cvtsh_ss(b[i].m), s[i], mins[i % 16]);
        result += reduce16(_mm512_load_ps(mins));
      }
      y[t * stride + r] = result;
    }
  }
}

constexpr std::int64_t kRowGroup = 16;  // rows unpacked together, small enough to stay in L1/L2

template <bool kSigned, bool kHasMin>
void gemm(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  if (x.rows < 4) return gemv<kSigned, kHasMin>(w, r0, r1, x, y, stride);
  thread_local RowPlanes rp;
  const std::int64_t pairs = (x.blocks + 1) / 2;
  const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
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
        if (kSigned)
          rp.correction[i * pairs + p] =
              _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), bias, wv));
        rp.scales[i * pairs + p] =
            _mm512_insertf32x8(_mm512_set1_ps(rp.row.scales[2 * p]), _mm256_set1_ps(rp.row.scales[2 * p + 1]), 1);
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
