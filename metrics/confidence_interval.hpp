// Confidence intervals: the normal interval of a mean and the percentile bootstrap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace sextant::metrics {

// The 0.975 quantile of the standard normal distribution (two-sided 95%), correctly rounded.
inline constexpr double kNormalQuantile975 = 1.9599639845400538;

struct MeanInterval {
  double mean = 0.0;
  double standard_error = 0.0;  // sample standard deviation (n - 1) / sqrt(n)
  double lower = 0.0;           // mean -/+ 1.96 standard errors
  double upper = 0.0;
  std::size_t count = 0;
};

// The mean of per-sample scores (accuracy, exact match, F1, ...) with its analytic
// standard error and 95% normal interval, as lm-eval reports them. One sample has no
// spread to estimate: its standard error and bounds are NaN. No samples is an error.
MeanInterval mean_interval(std::span<const double> scores);

struct BootstrapOptions {
  int resamples = 1000;
  double confidence = 0.95;
  // Fixed by default so that a rerun reports the same interval.
  std::uint64_t seed = 1234;
};

struct BootstrapInterval {
  double estimate = 0.0;        // the statistic on the original sample
  double lower = 0.0;           // percentiles of the resampled statistics,
  double upper = 0.0;           // linearly interpolated (numpy's default)
  double standard_error = 0.0;  // standard deviation (n - 1) of the resampled statistics
};

// The statistic of a resample, given the indices of the samples it holds (with repeats).
// A corpus metric sums its per-segment statistics over the indices and scores the sum.
using ResampleStatistic = std::function<double(std::span<const std::size_t> indices)>;

// The percentile bootstrap interval of a statistic over count samples: resample count
// indices with replacement options.resamples times (seeded, see BootstrapResampler).
BootstrapInterval bootstrap_interval(std::size_t count, const ResampleStatistic& statistic,
                                     const BootstrapOptions& options = {});

// The same for the mean of per-sample scores.
BootstrapInterval bootstrap_mean_interval(std::span<const double> scores, const BootstrapOptions& options = {});

// The value at quantile q (0..1) of sorted values, interpolating linearly between the
// two nearest ranks as numpy.quantile does by default.
double interpolated_quantile(std::span<const double> sorted, double q);

// Fails unless the options make sense (at least 2 resamples, confidence in (0, 1)) and
// there is at least one sample.
void check_bootstrap_options(std::size_t count, const BootstrapOptions& options, const char* what);

}  // namespace sextant::metrics
