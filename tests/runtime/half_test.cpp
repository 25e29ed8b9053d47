// fp16 and bf16 conversions against exact values and round-trips.
#include <catch2/catch.hpp>
#include <cmath>

#include "runtime/half.hpp"

using namespace sextant::runtime;

TEST_CASE("fp16 conversion round-trips every finite half value", "[runtime][half]") {
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const float f = fp16_to_float(static_cast<std::uint16_t>(h));
    if (std::isnan(f)) continue;
    REQUIRE(float_to_fp16(f) == h);
  }
}

TEST_CASE("fp16 conversion rounds to nearest even", "[runtime][half]") {
  CHECK(fp16_to_float(0x3c00) == 1.0f);
  CHECK(float_to_fp16(1.0f + 1.0f / 2048) == 0x3c00);          // tie, even stays
  CHECK(float_to_fp16(1.0f + 3.0f / 2048) == 0x3c02);          // tie, odd rounds up
  CHECK(float_to_fp16(65520.0f) == 0x7c00);                    // overflows to inf
  CHECK(float_to_fp16(std::ldexp(1.0f, -25)) == 0x0000);       // tie at the smallest subnormal
  CHECK(float_to_fp16(std::ldexp(1.5f, -25)) == 0x0001);
  CHECK(fp16_to_float(0x0001) == std::ldexp(1.0f, -24));
}

TEST_CASE("bf16 conversion rounds to nearest even", "[runtime][half]") {
  CHECK(bf16_to_float(0x3f80) == 1.0f);
  CHECK(float_to_bf16(1.0f) == 0x3f80);
  CHECK(float_to_bf16(1.00390625f) == 0x3f80);  // 1 + 2^-8: tie, even
  CHECK(float_to_bf16(1.01171875f) == 0x3f82);  // 1 + 3*2^-8: tie, odd rounds up
}
