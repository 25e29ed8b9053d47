// Corpus BLEU against sacrebleu.corpus_bleu with its defaults.
#include "metrics/bleu.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;
using sextant::testing::string_lists_of;
using sextant::testing::strings_of;
using sextant::testing::within;

namespace {

// sacrebleu's score is an unrounded Python float (written with repr, so exact), computed
// with the same operations in the same order from the same integer counts, so the values
// agree to the bit with glibc. 1e-9 on the 0..100 scale leaves room for another libm's
// exp/log (an ulp is ~1e-14 here) and for Python >= 3.12, whose sum() compensates.
constexpr double kTolerance = 1e-9;

void check_score(const BleuScore& score, const nlohmann::json& expected) {
  CHECK(score.hypothesis_length == expected["hypothesis_length"].get<std::int64_t>());
  CHECK(score.reference_length == expected["reference_length"].get<std::int64_t>());
  CHECK(within(score.score, expected["bleu"].get<double>(), kTolerance));
  CHECK(within(score.brevity_penalty, expected["brevity_penalty"].get<double>(), kTolerance));
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    CHECK(within(score.precisions[n], expected["precisions"][n].get<double>(), kTolerance));
  }
}

}  // namespace

TEST_CASE("bleu of single segments matches sacrebleu counts, precisions and score", "[metrics][bleu]") {
  for (const auto& row : metric_goldens()["segments"]) {
    const std::string hypothesis = row["hypothesis"];
    const auto references = strings_of(row["references"]);
    INFO("hypothesis: " << hypothesis);
    const BleuStatistics stats = bleu_statistics(hypothesis, references);
    for (int n = 0; n < kBleuMaxOrder; ++n) {
      CHECK(stats.matches[n] == row["matches"][n].get<std::int64_t>());
      CHECK(stats.totals[n] == row["totals"][n].get<std::int64_t>());
    }
    check_score(corpus_bleu({hypothesis}, {references}), row);
  }
}

TEST_CASE("corpus bleu matches sacrebleu on whole corpora with one or several references", "[metrics][bleu]") {
  for (const auto& row : metric_goldens()["corpora"]) {
    INFO("corpus " << row["name"].get<std::string>());
    const auto hypotheses = strings_of(row["hypotheses"]);
    const auto references = string_lists_of(row["references"]);
    const BleuScore score = corpus_bleu(hypotheses, references);
    check_score(score, row);
    // The corpus score is that of the summed segment statistics.
    BleuStatistics total;
    for (std::size_t i = 0; i < hypotheses.size(); ++i) total += bleu_statistics(hypotheses[i], references[i]);
    CHECK(bleu_from_statistics(total).score == score.score);
  }
}

TEST_CASE("bleu rejects mismatched lengths, no segments and segments without references", "[metrics][bleu]") {
  CHECK_THROWS_WITH(corpus_bleu({"a", "b"}, {{"a"}}), Catch::Contains("2 hypotheses"));
  CHECK_THROWS_AS(corpus_bleu({}, {}), sextant::Error);
  CHECK_THROWS_WITH(corpus_bleu({"a", "b"}, {{"a"}, {}}), Catch::Contains("segment 1"));
}
