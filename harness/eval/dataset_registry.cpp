// The built-in multiple-choice datasets (their prompt forms are those of SmolLM2's card).
#include "harness/eval/dataset_registry.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "datasets/loaders.hpp"

namespace sextant::harness {

const std::vector<DatasetSpec>& builtin_datasets() {
  static const std::vector<DatasetSpec> specs{
      {"arc_easy", "Exam", "arc/ARC-Easy/ARC-Easy-Test.jsonl", datasets::load_arc_jsonl},
      {"arc_challenge", "Exam", "arc/ARC-Challenge/ARC-Challenge-Test.jsonl", datasets::load_arc_jsonl},
      {"mmlu_cloze", "Exam", "mmlu/test", datasets::load_mmlu_cloze},
      {"hellaswag", "Reasoning", "hellaswag/hellaswag_val_full.txt", datasets::load_hellaswag_text},
  };
  return specs;
}

const DatasetSpec& find_dataset(const std::string& name) {
  std::string known;
  for (const auto& s : builtin_datasets()) {
    if (s.name == name) return s;
    if (!known.empty()) known += ", ";
    known += s.name;
  }
  throw UsageError(fmt::format("unknown dataset \"{}\" (known: {})", name, known));
}

}  // namespace sextant::harness
