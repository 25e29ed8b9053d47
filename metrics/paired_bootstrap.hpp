// The paired bootstrap test between two systems scored on the same samples.
#pragma once

#include <cstddef>
#include <span>

#include "metrics/confidence_interval.hpp"

namespace sextant::metrics {

struct PairedBootstrapResult {
  double difference = 0.0;  // statistic of system A minus that of system B, on all samples
  double lower = 0.0;       // percentile interval of the resampled differences
  double upper = 0.0;
  double p_value = 1.0;  // two-sided, for "the systems do not differ"
};

// Resamples the sample indices (both systems get the same resample, which is what makes
// the test paired) and estimates the distribution of the difference. The p-value is that
// of the shifted bootstrap (Efron & Tibshirani, ch. 16): the resampled differences,
// centred on the observed one, stand for the null distribution, and
//   p = (1 + #{ |d_b - d| >= |d| }) / (resamples + 1),
// so identical systems get p = 1 and clearly different ones about 1 / (resamples + 1).
// (sacrebleu's paired_bs counts strict exceedances instead, which gives identical systems
// p near 0; a harness comparing a run with itself should not report a difference.)
PairedBootstrapResult paired_bootstrap(std::size_t count, const ResampleStatistic& system_a,
                                       const ResampleStatistic& system_b, const BootstrapOptions& options = {});

// The same for the means of per-sample scores; the two lists must have the same length.
PairedBootstrapResult paired_bootstrap_means(std::span<const double> scores_a, std::span<const double> scores_b,
                                             const BootstrapOptions& options = {});

}  // namespace sextant::metrics
