// pass@k against the HumanEval estimator in numpy.
#include "metrics/pass_at_k.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;
using sextant::testing::within;

// The same product in the same order; numpy may vectorise it, which reorders the products
// and moves the last bits: 1e-12 on values in 0..1.
constexpr double kTolerance = 1e-12;

TEST_CASE("pass@k matches the HumanEval paper's unbiased estimator", "[metrics][pass_at_k]") {
  for (const auto& row : metric_goldens()["pass_at_k"]) {
    const std::int64_t n = row["n"], c = row["c"], k = row["k"];
    INFO("n " << n << " c " << c << " k " << k);
    CHECK(within(pass_at_k(n, c, k), row["value"].get<double>(), kTolerance));
  }
}

TEST_CASE("pass@1 is the fraction correct and the mean is over problems", "[metrics][pass_at_k]") {
  CHECK(within(pass_at_k(10, 3, 1), 0.3, kTolerance));
  CHECK(pass_at_k(10, 0, 5) == 0.0);
  CHECK(within(mean_pass_at_k({{10, 3}, {10, 0}}, 1), 0.15, kTolerance));
}

TEST_CASE("pass@k rejects impossible counts", "[metrics][pass_at_k]") {
  CHECK_THROWS_WITH(pass_at_k(5, 6, 1), Catch::Contains("c = 6"));
  CHECK_THROWS_WITH(pass_at_k(5, 1, 6), Catch::Contains("k = 6"));
  CHECK_THROWS_AS(pass_at_k(0, 0, 1), sextant::Error);
  CHECK_THROWS_AS(mean_pass_at_k({}, 1), sextant::Error);
}
