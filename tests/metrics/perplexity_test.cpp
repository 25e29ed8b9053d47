// Perplexity and bits per byte against lm-eval's formulas evaluated in Python.
#include "metrics/perplexity.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;

namespace {

// The same two or three operations as Python: bit-identical with glibc; a relative 1e-12
// allows another libm's exp.
bool close(double actual, double expected) { return std::fabs(actual - expected) <= 1e-12 * std::fabs(expected); }

}  // namespace

TEST_CASE("perplexities and bits per byte match lm-eval's definitions", "[metrics][perplexity]") {
  for (const auto& row : metric_goldens()["perplexity"]) {
    LogLikelihoodTotals t;
    t.log_prob = row["log_prob"];
    t.tokens = row["tokens"];
    t.bytes = row["bytes"];
    t.words = row["words"];
    INFO("log_prob " << t.log_prob);
    CHECK(close(token_perplexity(t), row["token_perplexity"]));
    CHECK(close(word_perplexity(t), row["word_perplexity"]));
    CHECK(close(byte_perplexity(t), row["byte_perplexity"]));
    CHECK(close(bits_per_byte(t), row["bits_per_byte"]));
  }
}

TEST_CASE("log-likelihood totals add over documents", "[metrics][perplexity]") {
  LogLikelihoodTotals total;
  total += {-2.0, 2, 8, 1};
  total += {-4.0, 4, 16, 2};
  CHECK(total.log_prob == -6.0);
  CHECK(token_perplexity(total) == std::exp(1.0));
}

TEST_CASE("perplexity rejects losses, non-finite sums and empty text", "[metrics][perplexity]") {
  CHECK_THROWS_WITH(perplexity(5.0, 3), Catch::Contains("not a loss"));
  CHECK_THROWS_AS(perplexity(-INFINITY, 3), sextant::Error);
  CHECK_THROWS_WITH(bits_per_byte(-1.0, 0), Catch::Contains("count 0"));
}
