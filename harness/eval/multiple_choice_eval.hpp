// Multiple-choice evaluation by log-likelihood: every choice scored as a continuation of the context.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "datasets/multiple_choice_item.hpp"
#include "runtime/engine/engine.hpp"

namespace sextant::harness {

// An accuracy over items with its 95% interval (normal approximation of the mean).
struct Accuracy {
  double value = 0.0;
  double ci_low = 0.0, ci_high = 0.0;
};

// The choice picked under each normalisation of the summed log-probability, as the
// harnesses people compare with define them.
struct MultipleChoiceResult {
  std::int64_t items = 0;
  Accuracy acc;                // raw sum (lm-evaluation-harness acc)
  Accuracy acc_norm;           // divided by the choice's length in characters (lm-evaluation-harness)
  Accuracy acc_norm_nospace;   // the same without the leading space (lighteval, SmolLM2's card)
  Accuracy acc_token_mean;     // divided by the choice's token count (llama.cpp --hellaswag)
};

// Called after each chunk of items: (done, total).
using Progress = std::function<void(std::int64_t, std::int64_t)>;

MultipleChoiceResult evaluate_multiple_choice(runtime::Engine& engine, const std::vector<datasets::MultipleChoiceItem>& items,
                                              const Progress& progress);

}  // namespace sextant::harness
