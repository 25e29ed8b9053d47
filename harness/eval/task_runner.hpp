// Running one task (a dataset in one mode on the loaded model): rows loaded, samples built,
// what the store lacks computed and stored chunk by chunk, scores aggregated.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/config/dataset_config.hpp"
#include "harness/eval/inference.hpp"
#include "harness/eval/task_scores.hpp"
#include "harness/store/result_store.hpp"
#include "runtime/engine/request_server.hpp"
#include "runtime/model/chat_template.hpp"

namespace sextant::harness {

// "a,b" -> {"a", "b"}: the data folders of --data-dir, searched in order.
std::vector<std::string> data_dirs_of(const std::string& list);

struct TaskOptions {
  std::string data_dir;  // folders searched in order, separated by commas
  std::int64_t limit = -1;  // first N rows; -1: all
  bool skip_bad_rows = false;
  bool chat = false;      // prompts through the model's chat template
  bool circular = false;  // multiple choice with every rotation of the options (modes that name "rotate")
  std::string model_identity;
};

struct TaskResult {
  TaskKey key;
  std::vector<MetricScore> scores;  // headline first
  std::int64_t samples = 0;
  std::int64_t reused = 0;  // samples found in the store
  std::int64_t bad_rows = 0;
  double seconds = 0.0;
  std::vector<std::string> warnings;
  std::string skipped;                  // why the task did not run ("" when it did)
  std::vector<SampleOutcome> outcomes;  // in dataset order
};

// A task ready to run: its samples built, what the store already holds read back, what is
// left to compute in `todo`.
struct PreparedTask {
  TaskResult result;  // key filled; skipped says why when the task cannot run
  const ModeConfig* mode = nullptr;
  TaskOptions options;
  std::vector<PromptedSample> todo;
  std::vector<SampleOutcome> outcomes;  // stored ones, then those computed as they come
  std::int64_t wanted = 0;              // samples the task has in all
  std::optional<PromptedSample> first;  // for the prompt checks
  std::chrono::steady_clock::time_point start;
};

// Never throws for missing data (the result says why it skipped); throws for bad configs and
// (without skip_bad_rows) bad rows.
PreparedTask prepare_task(const runtime::Model& model, ResultStore& store, const DatasetConfig& dataset,
                          const ModeConfig& mode, const TaskOptions& options);
// Runs samples through the mode's inferencer; each completed chunk goes to `sink`.
void run_samples(runtime::RequestServer& server, const ModeConfig& mode, const std::vector<PromptedSample>& samples,
                 const OutcomeSink& sink);
// Scores every outcome, stores the scores, adds the warnings.
TaskResult finish_task(PreparedTask& task, ResultStore& store, std::int64_t run, const runtime::Tokenizer& tok);

// All three in one thread, with a progress line.
TaskResult run_task(runtime::RequestServer& server, ResultStore& store, std::int64_t run, const DatasetConfig& dataset,
                    const ModeConfig& mode, const TaskOptions& options);

}  // namespace sextant::harness
