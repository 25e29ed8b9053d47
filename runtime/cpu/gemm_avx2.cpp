// GEMM kernels with AVX2: a pair of blocks (pair-interleaved) in two 256-bit registers, in
// the order of gemm.hpp.
#include <immintrin.h>

#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/gemm_unpack_x86.hpp"

namespace sextant::runtime::avx2 {

namespace {

// Lane sums of 4 products, exact: unsigned weights (Q4_1 nibbles) or signed ones.
template <bool kSigned>
inline __m256i lane_sums(__m256i w, __m256i x) {
  const __m256i ones = _mm256_set1_epi16(1);
  if (kSigned) return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w)), ones);
  return _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones);
}

// Two consecutive floats repeated over 8 lanes, loaded through __m128i (which may alias them).
inline __m256 pair_broadcast(const float* two) {
  return _mm256_castsi256_ps(_mm256_broadcastq_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(two))));
}

template <bool kSigned, bool kHasMin>
void gemm(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  thread_local UnpackedRow row;
  const std::int64_t pairs = (x.blocks + 1) / 2;
  for (std::int64_t r = r0; r < r1; ++r) {
    x86::unpack_row(w, r, row);
    for (std::int64_t t = 0; t < x.rows; ++t) {
      const std::int8_t* xq = x.row_qs(t);
      __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};  // interleaved lanes 0..7 and 8..15
      for (std::int64_t p = 0; p < pairs; ++p) {
        const __m256 scale = _mm256_mul_ps(pair_broadcast(row.scales.data() + 2 * p), pair_broadcast(x.row_d(t) + 2 * p));
        for (int half = 0; half < 2; ++half) {
          const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row.values.data() + p * 64 + half * 32));
          const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + p * 64 + half * 32));
          acc[half] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(lane_sums<kSigned>(wv, xv)), acc[half]);
        }
      }
      alignas(32) float interleaved[16], spec[16];
      _mm256_store_ps(interleaved, acc[0]);
      _mm256_store_ps(interleaved + 8, acc[1]);
      x86::deinterleave_lanes(interleaved, spec);
      float result = reduce16(spec);
      if (kHasMin) {
        __m256 mins[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
        const float* s = x.row_s(t);
        for (std::int64_t c = 0; c < x.s_stride; c += 16) {
          mins[0] = _mm256_fmadd_ps(_mm256_loadu_ps(row.mins.data() + c), _mm256_loadu_ps(s + c), mins[0]);
          mins[1] = _mm256_fmadd_ps(_mm256_loadu_ps(row.mins.data() + c + 8), _mm256_loadu_ps(s + c + 8), mins[1]);
        }
        _mm256_store_ps(spec, mins[0]);
        _mm256_store_ps(spec + 8, mins[1]);
        result += reduce16(spec);
      }
      y[t * stride + r] = result;
    }
  }
}

}  // namespace

const GemmKernels& gemm_kernels() {
  static const GemmKernels k{"avx2", gemm<true, false>, gemm<true, false>, gemm<false, true>};
  return k;
}

}  // namespace sextant::runtime::avx2
