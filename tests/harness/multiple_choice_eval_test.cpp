// Multiple-choice evaluation on the real model: the normalisations pick what they should.
#include <catch2/catch.hpp>

#include "harness/eval/multiple_choice_eval.hpp"
#include "tests/test_paths.hpp"

using namespace sextant;

TEST_CASE("multiple-choice accuracy counts the choice each normalisation prefers", "[harness][eval][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  const auto model = runtime::Model::load(path);
  runtime::Engine engine(*model, {.threads = 2});
  // Easy items a 135M model gets right, and one whose gold is a deliberately odd choice.
  std::vector<datasets::MultipleChoiceItem> items{
      {"a", "The capital of France is", {" Paris", " a banana", " the number seven"}, 0},
      {"b", "One, two, three, four,", {" five", " purple", " yesterday"}, 0},
      {"c", "The sun rises in the", {" east", " refrigerator"}, 1},
  };
  std::int64_t calls = 0;
  std::vector<harness::ItemOutcome> outcomes;
  harness::score_items(engine, items, {0, 1, 2}, [&](const std::vector<harness::ItemOutcome>& chunk) {
    ++calls;
    outcomes.insert(outcomes.end(), chunk.begin(), chunk.end());
  });
  CHECK(calls == 1);
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0].picked[harness::kRawSum] == 0);
  CHECK(outcomes[2].picked[harness::kRawSum] == 0);  // "east", while the gold says refrigerator
  CHECK(outcomes[1].tokens.size() == 3);
  const auto r = harness::aggregate(outcomes);
  CHECK(r.items == 3);
  CHECK(r.acc.value == Approx(2.0 / 3));
  CHECK(r.acc_norm_nospace.value == Approx(2.0 / 3));
  CHECK(r.acc.ci_low < r.acc.value);
  CHECK(r.acc.ci_high > r.acc.value);
}
