// Byte layouts of the quantized blocks stored in GGUF files, one struct per type.
#pragma once

#include <cstdint>

namespace sextant::runtime {

inline constexpr int kQK = 32;    // elements per block of the simple quant types
inline constexpr int kQKK = 256;  // elements per super-block of the K-quants

// x = d * q
struct BlockQ8_0 {
  std::uint16_t d;  // fp16
  std::int8_t qs[kQK];
};
static_assert(sizeof(BlockQ8_0) == 34);

// Activation side of Q4_1 dot products: s = d * sum(qs).
struct BlockQ8_1 {
  std::uint16_t d;  // fp16
  std::uint16_t s;  // fp16
  std::int8_t qs[kQK];
};
static_assert(sizeof(BlockQ8_1) == 36);

// x[j] = d * ((qs[j] & 15) - 8), x[j + 16] = d * ((qs[j] >> 4) - 8)
struct BlockQ4_0 {
  std::uint16_t d;
  std::uint8_t qs[kQK / 2];
};
static_assert(sizeof(BlockQ4_0) == 18);

// Same nibble order as Q4_0; x = d * q + m
struct BlockQ4_1 {
  std::uint16_t d;
  std::uint16_t m;
  std::uint8_t qs[kQK / 2];
};
static_assert(sizeof(BlockQ4_1) == 20);

// 8 sub-blocks of 32 with 6-bit scales and mins packed in `scales`.
struct BlockQ4_K {
  std::uint16_t d;
  std::uint16_t dmin;
  std::uint8_t scales[12];
  std::uint8_t qs[kQKK / 2];
};
static_assert(sizeof(BlockQ4_K) == 144);

// As Q4_K plus a fifth bit per element in qh.
struct BlockQ5_K {
  std::uint16_t d;
  std::uint16_t dmin;
  std::uint8_t scales[12];
  std::uint8_t qh[kQKK / 8];
  std::uint8_t qs[kQKK / 2];
};
static_assert(sizeof(BlockQ5_K) == 176);

// 16 sub-blocks of 16 with int8 scales; 6-bit values split into ql (low 4) and qh (high 2).
struct BlockQ6_K {
  std::uint8_t ql[kQKK / 2];
  std::uint8_t qh[kQKK / 4];
  std::int8_t scales[kQKK / 16];
  std::uint16_t d;  // fp16, stored last
};
static_assert(sizeof(BlockQ6_K) == 210);

// Activation side of K-quant dot products.
struct BlockQ8_K {
  float d;
  std::int8_t qs[kQKK];
  std::int16_t bsums[kQKK / 16];
};
static_assert(sizeof(BlockQ8_K) == 292);

}  // namespace sextant::runtime
