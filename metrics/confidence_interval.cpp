// Confidence intervals: the normal interval of a mean and the percentile bootstrap.
#include "metrics/confidence_interval.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "metrics/bootstrap_resampler.hpp"

namespace sextant::metrics {

namespace {

double mean_of(std::span<const double> values) {
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Two passes (mean, then squared deviations), as numpy computes std, which avoids the
// cancellation of the sum-of-squares formula.
double sample_standard_deviation(std::span<const double> values, double mean) {
  double squares = 0.0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

}  // namespace

MeanInterval mean_interval(std::span<const double> scores) {
  if (scores.empty()) fail("mean interval: no scores");
  MeanInterval result;
  result.count = scores.size();
  result.mean = mean_of(scores);
  if (scores.size() < 2) {
    result.standard_error = result.lower = result.upper = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  result.standard_error =
      sample_standard_deviation(scores, result.mean) / std::sqrt(static_cast<double>(scores.size()));
  result.lower = result.mean - kNormalQuantile975 * result.standard_error;
  result.upper = result.mean + kNormalQuantile975 * result.standard_error;
  return result;
}

double interpolated_quantile(std::span<const double> sorted, double q) {
  if (sorted.empty()) fail("quantile of no values");
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  if (below + 1 >= sorted.size()) return sorted.back();
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

void check_bootstrap_options(std::size_t count, const BootstrapOptions& options, const char* what) {
  if (count == 0) fail("{}: no samples to resample", what);
  if (options.resamples < 2) fail("{}: {} resamples; need at least 2", what, options.resamples);
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    fail("{}: confidence {} must be between 0 and 1", what, options.confidence);
  }
}

BootstrapInterval bootstrap_interval(std::size_t count, const ResampleStatistic& statistic,
                                     const BootstrapOptions& options) {
  check_bootstrap_options(count, options, "bootstrap interval");
  std::vector<std::size_t> indices(count);
  for (std::size_t i = 0; i < count; ++i) indices[i] = i;
  BootstrapInterval result;
  result.estimate = statistic(indices);

  BootstrapResampler resampler(options.seed);
  std::vector<double> values(static_cast<std::size_t>(options.resamples));
  for (auto& value : values) {
    resampler.resample(count, indices);
    value = statistic(indices);
  }
  result.standard_error = sample_standard_deviation(values, mean_of(values));
  std::sort(values.begin(), values.end());
  const double tail = (1.0 - options.confidence) / 2.0;
  result.lower = interpolated_quantile(values, tail);
  result.upper = interpolated_quantile(values, 1.0 - tail);
  return result;
}

BootstrapInterval bootstrap_mean_interval(std::span<const double> scores, const BootstrapOptions& options) {
  return bootstrap_interval(
      scores.size(),
      [scores](std::span<const std::size_t> indices) {
        double sum = 0.0;
        for (std::size_t i : indices) sum += scores[i];
        return sum / static_cast<double>(indices.size());
      },
      options);
}

}  // namespace sextant::metrics
