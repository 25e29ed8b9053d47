// Properties of the paired bootstrap test between two systems.
#include "metrics/paired_bootstrap.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "core/error.hpp"

using namespace sextant::metrics;

namespace {

// Per-sample 0/1 scores with the given success rate, from a fixed seed.
std::vector<double> coin_flips(double rate, std::size_t count, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::vector<double> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(static_cast<double>(engine() % 1000) < rate * 1000 ? 1.0 : 0.0);
  return out;
}

}  // namespace

TEST_CASE("paired bootstrap gives p = 1 for identical systems", "[metrics][paired]") {
  const auto scores = coin_flips(0.6, 500, 1);
  const PairedBootstrapResult r = paired_bootstrap_means(scores, scores);
  CHECK(r.difference == 0.0);
  CHECK(r.p_value == 1.0);
  CHECK(r.lower == 0.0);
  CHECK(r.upper == 0.0);
}

TEST_CASE("paired bootstrap gives p near 0 for clearly different systems", "[metrics][paired]") {
  const auto a = coin_flips(0.8, 500, 1), b = coin_flips(0.4, 500, 2);
  const PairedBootstrapResult r = paired_bootstrap_means(a, b);
  CHECK(r.difference > 0.3);
  CHECK(r.p_value <= 2.0 / 1001.0);
  CHECK(r.lower > 0.0);
  CHECK(r.lower < r.difference);
  CHECK(r.difference < r.upper);
}

TEST_CASE("paired bootstrap gives a large p for systems of equal quality", "[metrics][paired]") {
  const auto a = coin_flips(0.5, 400, 3), b = coin_flips(0.5, 400, 4);
  const PairedBootstrapResult r = paired_bootstrap_means(a, b);
  INFO("difference " << r.difference << " p " << r.p_value);
  CHECK(r.p_value > 0.05);
  CHECK(r.lower < 0.0);
  CHECK(r.upper > 0.0);
}

TEST_CASE("paired bootstrap is deterministic for a seed and symmetric in the systems", "[metrics][paired]") {
  const auto a = coin_flips(0.55, 300, 5), b = coin_flips(0.5, 300, 6);
  const PairedBootstrapResult first = paired_bootstrap_means(a, b);
  const PairedBootstrapResult again = paired_bootstrap_means(a, b);
  CHECK(first.p_value == again.p_value);
  CHECK(first.lower == again.lower);
  const PairedBootstrapResult swapped = paired_bootstrap_means(b, a);
  CHECK(swapped.difference == -first.difference);
  CHECK(swapped.p_value == first.p_value);
}

TEST_CASE("paired bootstrap needs scores for the same samples", "[metrics][paired]") {
  CHECK_THROWS_WITH(paired_bootstrap_means(std::vector<double>{1.0, 0.0}, std::vector<double>{1.0}),
                    Catch::Contains("same samples"));
}
