// Unpacking weight blocks with AVX2 + F16C (included by the x86 GEMM kernels only).
#pragma once

#include <immintrin.h>

#include <cstring>

#include "runtime/cpu/gemm_row.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime::x86 {

// The 32 values of block b in element order, and its scale (and min for Q4_1).
inline __m256i block_values(TensorType type, const std::uint8_t* row, std::int64_t b, float& scale, float& min) {
  const __m128i mask = _mm_set1_epi8(0x0f);
  auto nibbles = [&](const std::uint8_t* qs) {
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), mask), _mm_and_si128(q, mask));
  };
  min = 0.0f;
  if (type == TensorType::Q8_0) {
    const auto& blk = reinterpret_cast<const BlockQ8_0*>(row)[b];
    scale = _cvtsh_ss(blk.d);
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qs));
  }
  if (type == TensorType::Q4_0) {
    const auto& blk = reinterpret_cast<const BlockQ4_0*>(row)[b];
    scale = _cvtsh_ss(blk.d);
    return _mm256_sub_epi8(nibbles(blk.qs), _mm256_set1_epi8(8));
  }
  const auto& blk = reinterpret_cast<const BlockQ4_1*>(row)[b];
  scale = _cvtsh_ss(blk.d);
  min = _cvtsh_ss(blk.m);
  return nibbles(blk.qs);
}

// Two blocks' values interleaved in 4-byte groups, as 2 x 32 bytes (first and second half).
inline void interleave_pair(__m256i a, __m256i b, __m256i& first, __m256i& second) {
  const __m256i lo = _mm256_unpacklo_epi32(a, b);  // a0 b0 a1 b1 | a4 b4 a5 b5
  const __m256i hi = _mm256_unpackhi_epi32(a, b);  // a2 b2 a3 b3 | a6 b6 a7 b7
  first = _mm256_permute2x128_si256(lo, hi, 0x20);   // a0 b0 a1 b1 a2 b2 a3 b3
  second = _mm256_permute2x128_si256(lo, hi, 0x31);  // a4 b4 ... a7 b7
}

// Fills `out` with row r of w in the pair-interleaved layout.
inline void unpack_row(const WeightMatrix& w, std::int64_t r, UnpackedRow& out) {
  const std::int64_t nb = w.cols / kQK;
  if (out.blocks != nb) out.reset(nb);
  const std::uint8_t* row = w.row(r);
  for (std::int64_t p = 0; p < (nb + 1) / 2; ++p) {
    float min0 = 0.0f, min1 = 0.0f, scale1 = 0.0f;
    const __m256i a = block_values(w.type, row, 2 * p, out.scales[2 * p], min0);
    const __m256i b = 2 * p + 1 < nb ? block_values(w.type, row, 2 * p + 1, scale1, min1) : _mm256_setzero_si256();
    out.scales[2 * p + 1] = scale1;
    __m256i first, second;
    interleave_pair(a, b, first, second);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.values.data() + p * 64), first);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.values.data() + p * 64 + 32), second);
    if (w.type == TensorType::Q4_1) {
      out.mins[2 * p] = min0;
      if (2 * p + 1 < nb) out.mins[2 * p + 1] = min1;
    }
  }
}

// Lane 2i + h of an interleaved accumulator holds lane 8h + i of gemm.hpp's order.
inline void deinterleave_lanes(const float* interleaved, float* spec) {
  for (int i = 0; i < 8; ++i) {
    spec[i] = interleaved[2 * i];
    spec[8 + i] = interleaved[2 * i + 1];
  }
}

}  // namespace sextant::runtime::x86
