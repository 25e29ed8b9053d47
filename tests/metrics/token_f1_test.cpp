// Token F1 against the SQuAD v1.1 evaluation functions.
#include "metrics/token_f1.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;
using sextant::testing::strings_of;
using sextant::testing::within;

// The same operations in the same order as the reference: the values agree to the bit;
// the tolerance only allows for a different libm or compiler contraction.
constexpr double kTolerance = 1e-12;

TEST_CASE("token F1 agrees with SQuAD's f1_score and its max over references", "[metrics][squad][f1]") {
  for (const auto& row : metric_goldens()["answers"]) {
    const std::string prediction = row["prediction"];
    const auto references = strings_of(row["references"]);
    INFO("prediction: " << prediction);
    for (std::size_t i = 0; i < references.size(); ++i) {
      INFO("reference: " << references[i]);
      CHECK(within(token_f1(prediction, references[i]), row["f1"][i].get<double>(), kTolerance));
    }
    CHECK(within(token_f1_max(prediction, references), row["f1_max"].get<double>(), kTolerance));
  }
}

TEST_CASE("token F1 counts repeated tokens as a multiset and gives 0 for two empty answers", "[metrics][squad][f1]") {
  // common = {cat: 1, dog: 1}: precision 2/3, recall 2/3.
  CHECK(within(token_f1("cat cat dog", "cat dog dog"), 2.0 / 3.0, kTolerance));
  CHECK(token_f1("", "") == 0.0);
  CHECK(token_f1("the", "a") == 0.0);
  CHECK_THROWS_AS(token_f1_max("x", {}), sextant::Error);
}
