// KvCache::prefix_of: built on a cache it uses whole, a copy of the rows of one it uses in part.
#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <vector>

#include "runtime/model/kv_cache.hpp"

using namespace sextant::runtime;

TEST_CASE("a prefix of a cache shares it when whole and copies its rows when partial", "[runtime][engine]") {
  const std::int64_t layers = 2, dim = 8;
  auto base = std::make_shared<KvCache>(layers, dim, KvType::F16);
  base->reserve(6);
  std::vector<float> k(dim), v(dim);
  for (std::int64_t pos = 0; pos < 6; ++pos)
    for (std::int64_t layer = 0; layer < layers; ++layer) {
      for (std::int64_t i = 0; i < dim; ++i) {
        k[i] = static_cast<float>(pos * 100 + layer * 10 + i);
        v[i] = -k[i];
      }
      base->store(layer, pos, k.data(), v.data());
    }
  base->set_length(6);
  // A sibling built on the first 4 positions, then extended by 2 of its own.
  auto sibling = std::make_shared<KvCache>(base, 4);
  sibling->reserve(6);
  sibling->store(0, 4, k.data(), v.data());
  sibling->store(1, 4, k.data(), v.data());
  sibling->set_length(5);

  const auto whole = KvCache::prefix_of(sibling, 5);
  CHECK(whole->base_length() == 5);  // built on the sibling, nothing copied
  const auto part = KvCache::prefix_of(sibling, 3);
  CHECK(part->base_length() == 0);  // a copy: it keeps no chain alive
  CHECK(part->length() == 3);
  CHECK(part->footprint_bytes() < sibling->footprint_bytes());
  const std::size_t row = static_cast<std::size_t>(dim) * 2;
  for (std::int64_t layer = 0; layer < layers; ++layer)
    for (std::int64_t pos = 0; pos < 3; ++pos) {
      CHECK(std::memcmp(part->k(layer, pos), base->k(layer, pos), row) == 0);
      CHECK(std::memcmp(part->v(layer, pos), base->v(layer, pos), row) == 0);
    }
}
