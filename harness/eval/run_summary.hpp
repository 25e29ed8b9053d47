// A finished run: its tasks' scores grouped by capability dimension, the summary table the
// terminal shows, and the files other tools read (results.json, samples.jsonl).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "harness/eval/task_runner.hpp"

namespace sextant::harness {

struct RunSummary {
  std::int64_t run_id = 0;
  std::string model_name, model_path, model_identity, suite, command, started_at;
  bool chat = false;
  std::vector<TaskResult> tasks;                             // in the order they ran
  std::vector<std::pair<std::string, std::string>> skipped;  // task, reason
  double seconds = 0.0;
};

// Dimension scores are the mean of their tasks' headline metric; overall is the mean of
// the dimensions present (OpenCompass's grouping; each dimension weighs the same).
struct DimensionScores {
  std::map<std::string, double> dimensions;
  double overall = 0.0;
};
DimensionScores summarize_dimensions(const std::vector<TaskResult>& tasks);

void print_summary_table(std::ostream& out, const RunSummary& run);
nlohmann::json results_json(const RunSummary& run);

// Writes dir/results.json and dir/samples.jsonl (each atomically); returns their paths.
std::vector<std::string> write_run_files(const RunSummary& run, const std::string& dir);

}  // namespace sextant::harness
