// One benchmark item made ready for the model: its rendered prompt(s), and what a right
// answer is. Built from a record by the sample builder; consumed by an inferencer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/record.hpp"
#include "harness/store/store_layout.hpp"

namespace sextant::harness {

// Circular evaluation stores rotation r of row i under the key i * kCircularStride + r.
inline constexpr std::int64_t kCircularStride = kCircularItemStride;

struct PromptedSample {
  std::int64_t index =
      0;                 // the store's key: the row's position (times kCircularStride plus the rotation when circular)
  std::int64_t row = 0;  // position in the dataset's test rows
  datasets::Record record;  // the row, for templates applied after generation (pass@k programs)
  std::string prompt;       // the full prompt text (Ppl: the first choice's context)
  bool chat = false;        // the prompt went through a chat template: its special tokens are parsed
  // Ppl: one context per choice (all the same unless the prompt reads {choice}), and the
  // continuations scored; gold is the right one's index.
  std::vector<std::string> contexts;
  std::vector<std::string> continuations;
  std::vector<std::string> choice_texts;  // the choices without template (for character normalisation)
  int gold = -1;
  // Target: the continuation scored.
  std::string target;
  // Gen: any of these counts as right.
  std::vector<std::string> references;
};

}  // namespace sextant::harness
