// Accuracy over per-sample correctness.
#include "metrics/accuracy.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"

using namespace sextant::metrics;

TEST_CASE("accuracy is the fraction of correct samples", "[metrics][accuracy]") {
  CHECK(accuracy({true}) == 1.0);
  CHECK(accuracy({false}) == 0.0);
  CHECK(accuracy({true, false, true, true}) == 0.75);
  CHECK(accuracy(std::vector<bool>(3, true)) == 1.0);
}

TEST_CASE("accuracy of no samples is an error", "[metrics][accuracy]") {
  CHECK_THROWS_AS(accuracy({}), sextant::Error);
}
