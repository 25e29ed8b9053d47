// Normal intervals of means against numpy, and properties of the percentile bootstrap.
#include "metrics/confidence_interval.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "metrics/bleu.hpp"
#include "metrics/bootstrap_resampler.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;
using sextant::testing::string_lists_of;
using sextant::testing::strings_of;

namespace {

// numpy sums in a different order (pairwise, eight accumulators); 1e-12 relative covers
// the rounding of that reordering on 1000 values.
bool close(double actual, double expected) {
  return std::fabs(actual - expected) <= 1e-12 * std::max(1.0, std::fabs(expected));
}

}  // namespace

TEST_CASE("mean interval matches numpy's mean and standard error with a 1.96 normal interval",
          "[metrics][confidence]") {
  // Python's NormalDist().inv_cdf(0.975) is one ulp below the correctly rounded value.
  CHECK(std::fabs(kNormalQuantile975 - metric_goldens()["normal_quantile_975"].get<double>()) < 1e-15);
  for (const auto& row : metric_goldens()["mean_interval"]) {
    const auto scores = row["scores"].get<std::vector<double>>();
    INFO(scores.size() << " scores");
    const MeanInterval m = mean_interval(scores);
    CHECK(m.count == scores.size());
    CHECK(close(m.mean, row["mean"]));
    CHECK(close(m.standard_error, row["standard_error"]));
    CHECK(close(m.lower, row["lower"]));
    CHECK(close(m.upper, row["upper"]));
  }
}

TEST_CASE("mean interval of one score has undefined spread and of none is an error", "[metrics][confidence]") {
  const std::vector<double> one{0.5};
  const MeanInterval m = mean_interval(one);
  CHECK(m.mean == 0.5);
  CHECK(std::isnan(m.standard_error));
  CHECK_THROWS_AS(mean_interval(std::vector<double>{}), sextant::Error);
}

TEST_CASE("bootstrap resampler is deterministic for a seed and uniform", "[metrics][confidence]") {
  BootstrapResampler a(42), b(42), c(43);
  std::vector<std::size_t> ia, ib, ic;
  a.resample(1000, ia);
  b.resample(1000, ib);
  c.resample(1000, ic);
  CHECK(ia == ib);
  CHECK(ia != ic);
  // Every index drawn from [0, 10) appears about 10000 times in 100000 draws.
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100000; ++i) ++counts[a.uniform_below(10)];
  for (int n : counts) CHECK(std::abs(n - 10000) < 500);
}

TEST_CASE("bootstrap of a mean is deterministic, contains the estimate and agrees with the normal interval",
          "[metrics][confidence]") {
  const auto scores = metric_goldens()["mean_interval"][5]["scores"].get<std::vector<double>>();
  const BootstrapInterval first = bootstrap_mean_interval(scores);
  const BootstrapInterval again = bootstrap_mean_interval(scores);
  CHECK(first.lower == again.lower);
  CHECK(first.upper == again.upper);
  CHECK(first.standard_error == again.standard_error);
  BootstrapOptions other;
  other.seed = 99;
  CHECK(bootstrap_mean_interval(scores, other).lower != first.lower);

  const MeanInterval normal = mean_interval(scores);
  CHECK(first.estimate == normal.mean);
  CHECK(first.lower < first.estimate);
  CHECK(first.estimate < first.upper);
  // 1000 uniform values: the bootstrap standard error is within 10% of the analytic one.
  CHECK(std::fabs(first.standard_error - normal.standard_error) < 0.1 * normal.standard_error);
  CHECK(std::fabs(first.lower - normal.lower) < 0.01);
  CHECK(std::fabs(first.upper - normal.upper) < 0.01);
}

TEST_CASE("bootstrap of corpus bleu resamples segment statistics", "[metrics][confidence][bleu]") {
  const auto& corpus = metric_goldens()["corpora"][0];
  const auto hypotheses = strings_of(corpus["hypotheses"]);
  const auto references = string_lists_of(corpus["references"]);
  std::vector<BleuStatistics> segments;
  for (std::size_t i = 0; i < hypotheses.size(); ++i) segments.push_back(bleu_statistics(hypotheses[i], references[i]));
  const auto corpus_bleu_of = [&](std::span<const std::size_t> indices) {
    BleuStatistics total;
    for (std::size_t i : indices) total += segments[i];
    return bleu_from_statistics(total).score;
  };
  BootstrapOptions options;
  options.resamples = 1000;
  const BootstrapInterval interval = bootstrap_interval(segments.size(), corpus_bleu_of, options);
  CHECK(interval.estimate == corpus_bleu(hypotheses, references).score);
  CHECK(interval.lower < interval.estimate);
  CHECK(interval.estimate < interval.upper);
  CHECK(interval.standard_error > 0.0);
  const BootstrapInterval again = bootstrap_interval(segments.size(), corpus_bleu_of, options);
  CHECK(again.lower == interval.lower);
  CHECK(again.upper == interval.upper);
  // A 50% interval lies inside the 95% one.
  options.confidence = 0.5;
  const BootstrapInterval narrow = bootstrap_interval(segments.size(), corpus_bleu_of, options);
  CHECK(interval.lower <= narrow.lower);
  CHECK(narrow.upper <= interval.upper);
}

TEST_CASE("bootstrap rejects no samples, too few resamples and a bad confidence", "[metrics][confidence]") {
  const std::vector<double> scores{1.0, 0.0};
  BootstrapOptions options;
  options.resamples = 1;
  CHECK_THROWS_WITH(bootstrap_mean_interval(scores, options), Catch::Contains("1 resamples"));
  options.resamples = 100;
  options.confidence = 1.0;
  CHECK_THROWS_AS(bootstrap_mean_interval(scores, options), sextant::Error);
  CHECK_THROWS_AS(bootstrap_mean_interval(std::vector<double>{}), sextant::Error);
}

TEST_CASE("interpolated quantile interpolates between ranks as numpy does", "[metrics][confidence]") {
  const std::vector<double> v{1.0, 2.0, 3.0, 4.0, 5.0};
  CHECK(interpolated_quantile(v, 0.0) == 1.0);
  CHECK(interpolated_quantile(v, 1.0) == 5.0);
  CHECK(interpolated_quantile(v, 0.5) == 3.0);
  CHECK(interpolated_quantile(v, 0.025) == Approx(1.1));  // position 0.1
}
