// Unpacking weight blocks with AVX2 + F16C (included by the AVX2 GEMM kernel only).
#pragma once

#include <immintrin.h>

#include <cstring>

#include "runtime/cpu/matmul.hpp"
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

}  // namespace sextant::runtime::x86
