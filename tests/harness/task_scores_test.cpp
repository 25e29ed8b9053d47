// Task scores from stored outcomes: the normalisations' picks, intervals, rates, circular.
#include "harness/eval/task_scores.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "harness/eval/prompted_sample.hpp"

using namespace sextant::harness;

namespace {

SampleOutcome ppl(std::int64_t index, std::vector<double> logprobs, std::vector<int> chars, int gold) {
  SampleOutcome o;
  o.index = index;
  o.detail = {{"logprobs", logprobs},
              {"chars", chars},
              {"chars_nospace", chars},
              {"tokens", std::vector<int>(logprobs.size(), 1)},
              {"gold", gold}};
  o.detail["picked"] = ppl_picks(o.detail);
  return o;
}

}  // namespace

TEST_CASE("each normalisation picks its own choice", "[harness][scores]") {
  // Raw sums prefer the short choice; per character the long one.
  const auto o = ppl(0, {-2.0, -3.0}, {2, 10}, 1);
  CHECK(o.detail["picked"]["acc"] == 0);
  CHECK(o.detail["picked"]["acc_norm"] == 1);
  ModeConfig mode;
  mode.metric = "acc_norm";
  const auto scores = task_scores(mode, {o, ppl(1, {-1.0, -5.0}, {3, 3}, 0)});
  REQUIRE(scores.size() == 5);
  CHECK(scores[0].metric == "acc_norm");
  CHECK(scores[0].value == 1.0);
  CHECK(scores[1].metric == "acc");
  CHECK(scores[1].value == 0.5);
  CHECK(scores[4].metric == "truncation_rate");
  CHECK(scores[4].value == 0.0);
}

TEST_CASE("a circular question counts only when every rotation is right", "[harness][scores]") {
  ModeConfig mode;
  mode.metric = "acc";
  std::vector<SampleOutcome> outcomes;
  // Row 0: right in both rotations. Row 1: right unrotated, wrong rotated.
  outcomes.push_back(ppl(0 * kCircularStride + 0, {-1, -2}, {1, 1}, 0));
  outcomes.push_back(ppl(0 * kCircularStride + 1, {-2, -1}, {1, 1}, 1));
  outcomes.push_back(ppl(1 * kCircularStride + 0, {-1, -2}, {1, 1}, 0));
  outcomes.push_back(ppl(1 * kCircularStride + 1, {-1, -2}, {1, 1}, 1));
  const auto scores = task_scores(mode, outcomes, true);
  CHECK(scores[0].metric == "acc_circular");
  CHECK(scores[0].value == 0.5);
  CHECK(scores[0].samples == 2);
  CHECK(scores[1].metric == "acc");
  CHECK(scores[1].value == 1.0);  // the unrotated questions alone
}

TEST_CASE("rolling scores are corpus totals: bits per byte, token and word perplexity", "[harness][scores]") {
  auto doc = [](std::int64_t index, double logprob, int tokens, int bytes, int words) {
    SampleOutcome o;
    o.index = index;
    o.detail = {{"logprob", logprob}, {"tokens", tokens}, {"bytes", bytes}, {"words", words}};
    return o;
  };
  ModeConfig mode;
  mode.inferencer = Inferencer::Rolling;
  mode.metric = "bits_per_byte";
  // Two documents of different sizes: totals, not a mean of per-document values.
  const auto scores = task_scores(mode, {doc(0, -100.0, 40, 150, 30), doc(1, -20.0, 10, 50, 8)});
  REQUIRE(scores.size() == 4);
  CHECK(scores[0].metric == "bits_per_byte");
  CHECK(scores[0].value == Approx(120.0 / 200.0 / std::log(2.0)));
  CHECK(scores[0].ci_low <= scores[0].value);
  CHECK(scores[0].ci_high >= scores[0].value);
  CHECK(scores[1].metric == "perplexity");
  CHECK(scores[1].value == Approx(std::exp(120.0 / 50.0)));
  CHECK(scores[2].metric == "word_perplexity");
  CHECK(scores[2].value == Approx(std::exp(120.0 / 38.0)));
  CHECK(scores[3].metric == "truncation_rate");
}

TEST_CASE("word perplexity of text with almost no spaces overflows without a NaN interval", "[harness][scores]") {
  ModeConfig mode;
  mode.inferencer = Inferencer::Rolling;
  mode.metric = "bits_per_byte";
  SampleOutcome a, b;
  a.index = 0, b.index = 1;
  a.detail = {{"logprob", -3000.0}, {"tokens", 900}, {"bytes", 2700}, {"words", 1}};
  b.detail = {{"logprob", -2000.0}, {"tokens", 600}, {"bytes", 1800}, {"words", 1}};
  for (const auto& s : task_scores(mode, {a, b})) {
    INFO(s.metric);
    CHECK(!std::isnan(s.ci_low));
    CHECK(!std::isnan(s.ci_high));
  }
}
