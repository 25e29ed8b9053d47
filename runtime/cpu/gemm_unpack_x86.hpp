// Unpacking one weight row with SSE/AVX2 + F16C (included by the x86 GEMM kernels only).
#pragma once

#include <immintrin.h>

#include "runtime/cpu/gemm_row.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime::x86 {

// Fills `out` with the values the scalar reference reads from row r of w.
inline void unpack_row(const WeightMatrix& w, std::int64_t r, UnpackedRow& out) {
  const std::int64_t nb = w.cols / kQK;
  if (out.blocks != nb) out.reset(nb);
  const std::uint8_t* row = w.row(r);
  std::int8_t* values = out.values.data();
  const __m128i mask = _mm_set1_epi8(0x0f);
  if (w.type == TensorType::Q8_0) {
    const auto* b = reinterpret_cast<const BlockQ8_0*>(row);
    for (std::int64_t i = 0; i < nb; ++i) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(values + i * 32), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs)));
      out.scales[i] = _cvtsh_ss(b[i].d);
    }
  } else if (w.type == TensorType::Q4_0) {
    const auto* b = reinterpret_cast<const BlockQ4_0*>(row);
    const __m128i eight = _mm_set1_epi8(8);
    for (std::int64_t i = 0; i < nb; ++i) {
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b[i].qs));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(values + i * 32), _mm_sub_epi8(_mm_and_si128(q, mask), eight));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(values + i * 32 + 16),
                       _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), mask), eight));
      out.scales[i] = _cvtsh_ss(b[i].d);
    }
  } else {
    const auto* b = reinterpret_cast<const BlockQ4_1*>(row);
    for (std::int64_t i = 0; i < nb; ++i) {
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b[i].qs));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(values + i * 32), _mm_and_si128(q, mask));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(values + i * 32 + 16), _mm_and_si128(_mm_srli_epi16(q, 4), mask));
      out.scales[i] = _cvtsh_ss(b[i].d);
      out.mins[i] = _cvtsh_ss(b[i].m);
    }
  }
}

}  // namespace sextant::runtime::x86
