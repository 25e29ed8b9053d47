// The paired bootstrap test between two systems scored on the same samples.
#include "metrics/paired_bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "metrics/bootstrap_resampler.hpp"

namespace sextant::metrics {

PairedBootstrapResult paired_bootstrap(std::size_t count, const ResampleStatistic& system_a,
                                       const ResampleStatistic& system_b, const BootstrapOptions& options) {
  check_bootstrap_options(count, options, "paired bootstrap");
  std::vector<std::size_t> indices(count);
  for (std::size_t i = 0; i < count; ++i) indices[i] = i;
  PairedBootstrapResult result;
  result.difference = system_a(indices) - system_b(indices);

  BootstrapResampler resampler(options.seed);
  std::vector<double> differences(static_cast<std::size_t>(options.resamples));
  std::size_t extreme = 0;
  for (auto& d : differences) {
    resampler.resample(count, indices);
    d = system_a(indices) - system_b(indices);
    if (std::fabs(d - result.difference) >= std::fabs(result.difference)) ++extreme;
  }
  result.p_value = static_cast<double>(extreme + 1) / static_cast<double>(differences.size() + 1);
  std::sort(differences.begin(), differences.end());
  const double tail = (1.0 - options.confidence) / 2.0;
  result.lower = interpolated_quantile(differences, tail);
  result.upper = interpolated_quantile(differences, 1.0 - tail);
  return result;
}

PairedBootstrapResult paired_bootstrap_means(std::span<const double> scores_a, std::span<const double> scores_b,
                                             const BootstrapOptions& options) {
  if (scores_a.size() != scores_b.size()) {
    fail("paired bootstrap: system A has {} scores and system B {}; they must score the same samples", scores_a.size(),
         scores_b.size());
  }
  const auto mean_over = [](std::span<const double> scores) {
    return [scores](std::span<const std::size_t> indices) {
      double sum = 0.0;
      for (std::size_t i : indices) sum += scores[i];
      return sum / static_cast<double>(indices.size());
    };
  };
  return paired_bootstrap(scores_a.size(), mean_over(scores_a), mean_over(scores_b), options);
}

}  // namespace sextant::metrics
