// A task's scores from its stored sample outcomes: the mode's metrics with 95% intervals,
// plus the rates that reveal silent failures (answers not extracted, prompts truncated).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/config/dataset_config.hpp"
#include "harness/eval/sample_outcome.hpp"

namespace sextant::harness {

struct MetricScore {
  std::string metric;
  double value = 0.0;
  double ci_low = 0.0, ci_high = 0.0;  // 95%: analytic for means, bootstrap for corpus metrics
  std::int64_t samples = 0;
};

// Ppl: the choice each normalisation of the summed log-probability picks, from a sample's
// detail: {"acc": i, "acc_norm": j, "acc_norm_nospace": k, "acc_token_mean": l}.
nlohmann::json ppl_picks(const nlohmann::json& detail);

// The headline metric first, then the mode's other metrics, then the rates
// (extraction_rate, truncation_rate, cutoff_rate for generation; truncation_rate otherwise).
// Circular: samples are rotations (keys row * kCircularStride + r); the headline is
// "<metric>_circular" (a row counts when every rotation is right), the other metrics are
// those of the unrotated samples.
std::vector<MetricScore> task_scores(const ModeConfig& mode, const std::vector<SampleOutcome>& outcomes,
                                     bool circular = false);

}  // namespace sextant::harness
