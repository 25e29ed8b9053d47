// GEMM kernels with AVX2: one block per 256-bit register, in the order of gemm.hpp.
#include <immintrin.h>

#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/gemm_unpack_x86.hpp"

namespace sextant::runtime::avx2 {

namespace {

template <bool kSigned, bool kHasMin>
void gemm(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  thread_local UnpackedRow row;
  const __m256i ones = _mm256_set1_epi16(1);
  for (std::int64_t r = r0; r < r1; ++r) {
    x86::unpack_row(w, r, row);
    for (std::int64_t t = 0; t < x.rows; ++t) {
      const std::int8_t* xq = x.row_qs(t);
      const float* d8 = x.row_d8(t);
      __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
      for (std::int64_t b = 0; b < x.blocks; ++b) {
        const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row.values.data() + b * 32));
        const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + b * 32));
        __m256i sums;
        if (kSigned) sums = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(wv, wv), _mm256_sign_epi8(xv, wv)), ones);
        else sums = _mm256_madd_epi16(_mm256_maddubs_epi16(wv, xv), ones);
        const __m256 scale = _mm256_mul_ps(_mm256_set1_ps(row.scales[b]), _mm256_loadu_ps(d8 + b * 8));
        acc[b % 2] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(sums), acc[b % 2]);
      }
      alignas(32) float a[16];
      _mm256_store_ps(a, acc[0]);
      _mm256_store_ps(a + 8, acc[1]);
      float result = reduce16(a);
      if (kHasMin) {
        __m256 mins[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
        const float* s = x.row_s(t);
        for (std::int64_t c = 0; c < x.s_stride; c += 16) {
          mins[0] = _mm256_fmadd_ps(_mm256_loadu_ps(row.mins.data() + c), _mm256_loadu_ps(s + c), mins[0]);
          mins[1] = _mm256_fmadd_ps(_mm256_loadu_ps(row.mins.data() + c + 8), _mm256_loadu_ps(s + c + 8), mins[1]);
        }
        _mm256_store_ps(a, mins[0]);
        _mm256_store_ps(a + 8, mins[1]);
        result += reduce16(a);
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
