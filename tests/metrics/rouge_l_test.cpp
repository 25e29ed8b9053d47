// ROUGE-L against Google's rouge-score package.
#include "metrics/rouge_l.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;
using sextant::testing::strings_of;
using sextant::testing::within;

// Integer LCS lengths and the reference's float operations in its order: bit-identical;
// the tolerance is for other compilers.
constexpr double kTolerance = 1e-12;

TEST_CASE("rouge tokenizer matches rouge-score's default tokenizer", "[metrics][rouge]") {
  for (const auto& row : metric_goldens()["texts"]) {
    const std::string text = row["text"];
    INFO("text: " << text);
    CHECK(rouge_tokenize(text) == row["rouge_tokens"].get<std::vector<std::string>>());
  }
}

TEST_CASE("rouge-L precision, recall and F-measure match rouge-score, with max over references", "[metrics][rouge]") {
  for (const auto& row : metric_goldens()["segments"]) {
    const std::string hypothesis = row["hypothesis"];
    const auto references = strings_of(row["references"]);
    INFO("hypothesis: " << hypothesis);
    const RougeScore score =
        references.size() == 1 ? rouge_l(hypothesis, references[0]) : rouge_l_max(hypothesis, references);
    CHECK(within(score.precision, row["rouge_l"]["precision"].get<double>(), kTolerance));
    CHECK(within(score.recall, row["rouge_l"]["recall"].get<double>(), kTolerance));
    CHECK(within(score.fmeasure, row["rouge_l"]["fmeasure"].get<double>(), kTolerance));
  }
}

TEST_CASE("rouge-L of a subsequence and of empty text", "[metrics][rouge]") {
  const RougeScore s = rouge_l("a c", "a b c");  // LCS 2: precision 1, recall 2/3
  CHECK(s.precision == 1.0);
  CHECK(within(s.recall, 2.0 / 3.0, kTolerance));
  CHECK(rouge_l("", "a").fmeasure == 0.0);
  CHECK_THROWS_AS(rouge_l_max("a", {}), sextant::Error);
}
