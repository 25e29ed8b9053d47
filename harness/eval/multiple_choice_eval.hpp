// Multiple-choice evaluation by log-likelihood: every choice scored as a continuation of the context.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "datasets/multiple_choice_item.hpp"
#include "runtime/engine/engine.hpp"

namespace sextant::harness {

// The normalisations of the summed log-probability that harnesses people compare with use.
enum Normalisation : int {
  kRawSum = 0,        // lm-evaluation-harness acc
  kPerChar = 1,       // lm-evaluation-harness acc_norm: divided by the choice's length in characters
  kPerCharNoSpace = 2,// lighteval (SmolLM2's card): the same without the leading space
  kPerToken = 3,      // llama.cpp --hellaswag: divided by the choice's token count
  kNormalisations = 4,
};

// What scoring one item produced: enough to recompute every metric without the model.
struct ItemOutcome {
  std::int64_t index = 0;  // position in the dataset
  std::vector<double> logprobs;  // per choice
  std::vector<int> tokens;       // per choice
  std::array<int, kNormalisations> picked{};
  int gold = 0;
};

// An accuracy over items with its 95% interval (normal approximation of the mean).
struct Accuracy {
  double value = 0.0;
  double ci_low = 0.0, ci_high = 0.0;
};

struct MultipleChoiceResult {
  std::int64_t items = 0;
  Accuracy acc, acc_norm, acc_norm_nospace, acc_token_mean;
};

// Scores the items at `indexes` in chunks; after each chunk, `on_chunk` gets its outcomes
// (to store them) and may report progress.
void score_items(runtime::Engine& engine, const std::vector<datasets::MultipleChoiceItem>& items,
                 const std::vector<std::int64_t>& indexes, const std::function<void(const std::vector<ItemOutcome>&)>& on_chunk);

MultipleChoiceResult aggregate(const std::vector<ItemOutcome>& outcomes);

}  // namespace sextant::harness
