// Turning a dataset's rows into prompted samples for one mode: gold answer, few-shot
// exemplars chosen by the retriever, templates rendered, the chat template applied.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datasets/bad_rows.hpp"
#include "datasets/fewshot_retriever.hpp"
#include "harness/config/dataset_config.hpp"
#include "harness/eval/prompted_sample.hpp"
#include "runtime/model/chat_template.hpp"

namespace sextant::harness {

class SampleBuilder {
 public:
  // `examples`: the rows few-shot exemplars come from (may be empty for zero-shot).
  // `chat`: when set, every prompt becomes one user message in this template, and the
  // answer follows the assistant's turn.
  // `circular`: every rotation of the mode's `rotate` list becomes a sample of its own.
  SampleBuilder(const DatasetConfig& dataset, const ModeConfig& mode, std::vector<datasets::Record> examples,
                std::optional<runtime::ChatTemplate> chat, bool circular = false);

  // A malformed row (a field missing, a gold answer that names no choice) goes to `bad`.
  // One sample per row, or one per rotation when circular; none for a bad row.
  std::vector<PromptedSample> build(const datasets::Record& row, std::int64_t index, datasets::BadRows& bad) const;

  // The gold choice index of a row; throws naming the row and field.
  int gold_index(const datasets::Record& row, const std::vector<std::string>& choices) const;
  std::vector<std::string> choices_of(const datasets::Record& row) const;

 private:
  std::string exemplars_for(const datasets::Record& row, const std::string& question, std::int64_t index) const;
  std::string wrap(const std::string& prompt) const;
  PromptedSample build_one(const datasets::Record& row, std::int64_t index) const;

  const DatasetConfig& dataset_;
  const ModeConfig& mode_;
  std::vector<datasets::Record> examples_;
  std::optional<runtime::ChatTemplate> chat_;
  bool circular_;
  // Few-shot pools: one per group_by value ("" when not grouped), indexes into examples_.
  struct Pool {
    std::vector<std::size_t> rows;
    std::unique_ptr<datasets::FewShotRetriever> retriever;
  };
  std::map<std::string, Pool> pools_;
};

}  // namespace sextant::harness
