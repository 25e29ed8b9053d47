// Seeded uniform random floats in [-1, 1) for kernel tests.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace sextant::testing {

inline std::vector<float> random_floats(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

}  // namespace sextant::testing
