// The 64-bit hashes the data pipeline keys words, lines, n-grams and shingles by.
#pragma once

#include <cstdint>
#include <string_view>

namespace sextant::trainer {

// The splitmix64 finaliser: a bijection on 64 bits whose output bits each depend on every
// input bit, so that sums, products and FNV states become well-spread keys.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

// FNV-1a over code points (one step per code point), finalised by mix64. The same value on
// every platform, unlike std::hash, so that seeded signatures and saved models are portable.
inline std::uint64_t hash_code_points(std::u32string_view text, std::uint64_t seed = 0) {
  std::uint64_t h = 0xcbf29ce484222325ull ^ seed;
  for (char32_t c : text) {
    h ^= static_cast<std::uint64_t>(c);
    h *= 0x100000001b3ull;
  }
  return mix64(h);
}

}  // namespace sextant::trainer
