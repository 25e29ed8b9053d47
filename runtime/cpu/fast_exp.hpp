// exp() for softmax, written so that its scalar and SIMD forms give the same bits.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace sextant::runtime {

// Constants of exp(x) = 2^k * e^r, r = x - k ln 2, e^r by a degree-6 polynomial (relative
// error about 2e-7 on |r| <= ln2 / 2). Inputs below -87 flush to exp(-87) ~ 1.6e-38, which
// is 0 for softmax purposes.
struct FastExp {
  static constexpr float kMin = -87.0f;
  static constexpr float kMax = 88.0f;
  static constexpr float kLog2e = 1.44269504088896341f;
  static constexpr float kLn2Hi = 0.693359375f;
  static constexpr float kLn2Lo = -2.12194440e-4f;
  static constexpr float kRound = 12582912.0f;  // 1.5 * 2^23
  static constexpr float kC[7] = {1.0f, 1.0f, 0.5f, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720};
};

// The scalar form; every step is one IEEE operation that the SIMD form repeats.
inline float fast_exp(float x) {
  x = x < FastExp::kMin ? FastExp::kMin : (x > FastExp::kMax ? FastExp::kMax : x);
  const float k = (x * FastExp::kLog2e + FastExp::kRound) - FastExp::kRound;
  float r = std::fma(k, -FastExp::kLn2Hi, x);
  r = std::fma(k, -FastExp::kLn2Lo, r);
  float p = FastExp::kC[6];
  for (int i = 5; i >= 0; --i) p = std::fma(p, r, FastExp::kC[i]);
  const std::int32_t bits = (static_cast<std::int32_t>(k) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return p * scale;
}

}  // namespace sextant::runtime
