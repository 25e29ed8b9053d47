// GEMM kernels with AVX2, in the order of gemm.hpp: a row's blocks are unpacked once, then
// each block's exact integer dot product with each token's block is summed across lanes.
#include <immintrin.h>

#include <cmath>
#include <vector>

#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/gemm_unpack_x86.hpp"

namespace sextant::runtime::avx2 {

namespace {

// The exact sum of the 32 products of two blocks: unsigned weights (Q4_1 nibbles) or signed.
template <bool kSigned>
inline int block_dot(__m256i w, __m256i x) {
  const __m256i ones = _mm256_set1_epi16(1);
  const __m256i lanes = kSigned ? _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w)), ones)
                                : _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones);
  const __m128i four = _mm_add_epi32(_mm256_castsi256_si128(lanes), _mm256_extracti128_si256(lanes, 1));
  const __m128i two = _mm_add_epi32(four, _mm_unpackhi_epi64(four, four));
  return _mm_cvtsi128_si32(_mm_add_epi32(two, _mm_shuffle_epi32(two, 1)));
}

template <bool kSigned, bool kHasMin>
void gemm(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  thread_local std::vector<std::int8_t> values;  // the row's blocks, 32 values each
  thread_local std::vector<float> scales, mins;
  values.resize(static_cast<std::size_t>(x.blocks * 32));
  scales.resize(static_cast<std::size_t>(x.blocks));
  mins.resize(scales.size());
  for (std::int64_t r = r0; r < r1; ++r) {
    for (std::int64_t b = 0; b < x.blocks; ++b)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(values.data() + b * 32), x86::block_values(w.type, w.row(r), b, scales[b], mins[b]));
    for (std::int64_t t = 0; t < x.rows; ++t) {
      const std::int8_t* xq = x.row_qs(t);
      float acc = 0.0f;
      for (std::int64_t b = 0; b < x.blocks; ++b) {
        const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + b * 32));
        const int p = block_dot<kSigned>(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(values.data() + b * 32)), xv);
        acc = std::fma(scales[b] * x.row_d(t)[b], static_cast<float>(p), acc);
        if (kHasMin) acc = std::fma(mins[b], x.row_s(t)[b], acc);
      }
      y[t * stride + r] = acc;
    }
  }
}

}  // namespace

const GemmKernels& gemm_kernels() {
  static const GemmKernels k{"avx2", gemm<true, false>, gemm<true, false>, gemm<false, true>};
  return k;
}

}  // namespace sextant::runtime::avx2
