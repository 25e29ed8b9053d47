// Exact match against the SQuAD v1.1 evaluation functions.
#include "metrics/exact_match.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;
using sextant::testing::strings_of;

TEST_CASE("exact match agrees with SQuAD's exact_match_score and its max over references", "[metrics][squad]") {
  for (const auto& row : metric_goldens()["answers"]) {
    const std::string prediction = row["prediction"];
    const auto references = strings_of(row["references"]);
    INFO("prediction: " << prediction);
    for (std::size_t i = 0; i < references.size(); ++i) {
      INFO("reference: " << references[i]);
      CHECK(exact_match(prediction, references[i]) == row["exact_match"][i].get<bool>());
    }
    CHECK(exact_match_any(prediction, references) == row["exact_match_max"].get<bool>());
  }
}

TEST_CASE("exact match ignores case, punctuation, articles and spacing only", "[metrics][squad]") {
  CHECK(exact_match("The  Broncos!", "broncos"));
  CHECK_FALSE(exact_match("Broncos", "Bronco"));
  CHECK_THROWS_AS(exact_match_any("x", {}), sextant::Error);
}
