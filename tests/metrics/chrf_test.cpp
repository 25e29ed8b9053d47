// Corpus chrF against sacrebleu.corpus_chrf with its defaults.
#include "metrics/chrf.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;
using sextant::testing::string_lists_of;
using sextant::testing::strings_of;
using sextant::testing::within;

// Same integer counts, same operations in the same order as sacrebleu: bit-identical with
// glibc; 1e-9 on the 0..100 scale allows for another compiler or library.
constexpr double kTolerance = 1e-9;

TEST_CASE("chrf of single segments matches sacrebleu", "[metrics][chrf]") {
  for (const auto& row : metric_goldens()["segments"]) {
    const std::string hypothesis = row["hypothesis"];
    INFO("hypothesis: " << hypothesis);
    CHECK(within(corpus_chrf({hypothesis}, {strings_of(row["references"])}), row["chrf"].get<double>(), kTolerance));
  }
}

TEST_CASE("corpus chrf matches sacrebleu on whole corpora with one or several references", "[metrics][chrf]") {
  for (const auto& row : metric_goldens()["corpora"]) {
    INFO("corpus " << row["name"].get<std::string>());
    const auto hypotheses = strings_of(row["hypotheses"]);
    const auto references = string_lists_of(row["references"]);
    const double score = corpus_chrf(hypotheses, references);
    CHECK(within(score, row["chrf"].get<double>(), kTolerance));
    ChrfStatistics total;
    for (std::size_t i = 0; i < hypotheses.size(); ++i) total += chrf_statistics(hypotheses[i], references[i]);
    CHECK(chrf_from_statistics(total) == score);
  }
}

TEST_CASE("chrf ignores whitespace and rejects segments without references", "[metrics][chrf]") {
  CHECK(corpus_chrf({"a b c"}, {{"abc"}}) == 100.0);
  CHECK_THROWS_AS(corpus_chrf({"a"}, {{}}), sextant::Error);
  CHECK_THROWS_AS(corpus_chrf({"a"}, {}), sextant::Error);
}
