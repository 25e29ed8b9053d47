// Rendering every test row of a dataset, zero-shot and without chat template, with its gold answer appended.
#include "harness/eval/item_texts.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "datasets/prompt_template.hpp"
#include "datasets/source_spec.hpp"
#include "harness/eval/sample_builder.hpp"
#include "harness/eval/task_runner.hpp"

namespace sextant::harness {

namespace {

std::string gold_text(const ModeConfig& mode, const PromptedSample& s) {
  switch (mode.inferencer) {
    case Inferencer::Ppl:
      if (s.gold >= 0 && static_cast<std::size_t>(s.gold) < s.contexts.size())
        return s.contexts[static_cast<std::size_t>(s.gold)] + s.continuations[static_cast<std::size_t>(s.gold)];
      return s.prompt;
    case Inferencer::Target:
      return s.prompt + s.target;
    case Inferencer::Rolling:
      return s.prompt;
    case Inferencer::Gen:
      if (!mode.answer.empty()) {
        try {
          return s.prompt + datasets::render_template(mode.answer, s.record);
        } catch (const Error&) {
          // An answer template that needs exemplar-only fields: the reference stands in.
        }
      }
      return s.prompt + (s.references.empty() ? std::string() : s.references.front());
  }
  return s.prompt;
}

}  // namespace

DatasetItemTexts item_texts(const DatasetConfig& dataset, const std::string& data_dirs, std::int64_t limit,
                            bool skip_bad_rows) {
  DatasetItemTexts out;
  if (dataset.default_modes.empty()) fail("{}: dataset has no default mode to render items with", dataset.name);
  ModeConfig mode = dataset.mode(dataset.default_modes.front());
  out.mode = mode.name;
  mode.shots = 0;

  const datasets::SourceSpec* test = nullptr;
  std::string root, locations;
  for (const std::string& dir : data_dirs_of(data_dirs)) {
    if ((test = dataset.test_source(dir))) {
      root = dir;
      break;
    }
    locations += (locations.empty() ? "" : ", ") + dataset.test_locations(dir);
  }
  if (!test) {
    out.skipped = fmt::format("not found: {}", locations);
    return out;
  }
  datasets::BadRows bad(skip_bad_rows);
  std::vector<datasets::Record> rows = datasets::load_records(*test, root, bad);
  if (limit > 0 && static_cast<std::int64_t>(rows.size()) > limit) rows.resize(static_cast<std::size_t>(limit));
  const SampleBuilder builder(dataset, mode, {}, std::nullopt, false);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (const auto& s : builder.build(rows[i], static_cast<std::int64_t>(i), bad))
      out.items.push_back({s.row, gold_text(mode, s)});
  out.bad_rows = bad.count();
  return out;
}

}  // namespace sextant::harness
