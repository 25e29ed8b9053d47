// Summaries and output files of a run.
#include "harness/eval/run_summary.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "harness/config/dataset_config.hpp"

namespace sextant::harness {

namespace {

// Perplexity and bits per byte are not fractions; everything else prints as a percentage.
std::string show(const MetricScore& m) {
  if (m.metric == "bits_per_byte") return fmt::format("{:.3f}", m.value);
  if (lower_is_better(m.metric)) return fmt::format("{:.2f}", m.value);
  return fmt::format("{:.1f}", 100 * m.value);
}

std::string interval_of(const MetricScore& m) {
  if (m.metric == "perplexity") return "";
  if (m.metric == "bits_per_byte") return fmt::format("[{:.3f}, {:.3f}]", m.ci_low, m.ci_high);
  return fmt::format("[{:.1f}, {:.1f}]", 100 * m.ci_low, 100 * m.ci_high);
}

}  // namespace

DimensionScores summarize_dimensions(const std::vector<TaskResult>& tasks) {
  std::map<std::string, std::vector<double>> values;
  for (const auto& t : tasks)
    if (t.skipped.empty() && !t.scores.empty() && t.key.dimension != kPerplexityGroup)
      values[t.key.dimension].push_back(t.scores.front().value);
  DimensionScores d;
  for (const auto& [dim, v] : values) {
    double sum = 0;
    for (double x : v) sum += x;
    d.dimensions[dim] = sum / static_cast<double>(v.size());
  }
  double sum = 0;
  for (const auto& [dim, v] : d.dimensions) sum += v;
  d.overall = d.dimensions.empty() ? 0.0 : sum / static_cast<double>(d.dimensions.size());
  return d;
}

void print_summary_table(std::ostream& out, const RunSummary& run) {
  const DimensionScores dims = summarize_dimensions(run.tasks);
  out << fmt::format("{:<14} {:<20} {:<18} {:<7} {:<20} {:>7} {:>15} {:>7}\n", "dimension", "dataset", "mode",
                     "version", "metric", "score", "95% interval", "n");
  for (const char* dim : kDimensions) {
    bool any = false;
    for (const auto& t : run.tasks) {
      if (t.key.dimension != dim || !t.skipped.empty() || t.scores.empty()) continue;
      any = true;
      const MetricScore& m = t.scores.front();
      out << fmt::format("{:<14} {:<20} {:<18} {:<7} {:<20} {:>7} {:>15} {:>7}\n", dim, t.key.dataset, t.key.mode,
                         t.key.version, m.metric, show(m), interval_of(m), m.samples);
    }
    if (any)
      out << fmt::format("{:<14} {:<20} {:<18} {:<7} {:<20} {:>7.1f}\n", dim, "(average)", "", "", "",
                         100 * dims.dimensions.at(dim));
  }
  if (!dims.dimensions.empty())
    out << fmt::format("{:<14} {:<20} {:<18} {:<7} {:<20} {:>7.1f}   ({} of 5 dimensions)\n", "overall", "", "", "", "",
                       100 * dims.overall, dims.dimensions.size());
  for (const auto& t : run.tasks) {
    if (t.key.dimension != kPerplexityGroup || !t.skipped.empty() || t.scores.empty()) continue;
    const MetricScore& m = t.scores.front();
    out << fmt::format("{:<14} {:<20} {:<18} {:<7} {:<20} {:>7} {:>15} {:>7}\n", kPerplexityGroup, t.key.dataset,
                       t.key.mode, t.key.version, m.metric, show(m), interval_of(m), m.samples);
  }
  for (const auto& [task, why] : run.skipped) out << fmt::format("skipped {}: {}\n", task, why);
}

nlohmann::json results_json(const RunSummary& run) {
  nlohmann::json j;
  j["run_id"] = run.run_id;
  j["model"] = {{"name", run.model_name}, {"path", run.model_path}, {"identity", run.model_identity}};
  j["suite"] = run.suite;
  j["command"] = run.command;
  j["chat_template"] = run.chat;
  j["seconds"] = run.seconds;
  j["tasks"] = nlohmann::json::array();
  for (const auto& t : run.tasks) {
    if (!t.skipped.empty()) continue;
    nlohmann::json task{{"dataset", t.key.dataset},   {"mode", t.key.mode},       {"dimension", t.key.dimension},
                        {"task_hash", t.key.hash},    {"version", t.key.version}, {"samples", t.samples},
                        {"reused_samples", t.reused}, {"bad_rows", t.bad_rows},   {"seconds", t.seconds},
                        {"warnings", t.warnings}};
    task["headline"] = t.key.metric;
    for (const auto& m : t.scores)
      task["metrics"][m.metric] = {{"value", m.value}, {"ci95", {m.ci_low, m.ci_high}}, {"samples", m.samples}};
    j["tasks"].push_back(std::move(task));
  }
  const DimensionScores dims = summarize_dimensions(run.tasks);
  j["dimensions"] = dims.dimensions;
  j["overall"] = dims.overall;
  j["skipped"] = nlohmann::json::array();
  for (const auto& [task, why] : run.skipped) j["skipped"].push_back({{"task", task}, {"reason", why}});
  return j;
}

std::vector<std::string> write_run_files(const RunSummary& run, const std::string& dir) {
  std::filesystem::create_directories(dir);
  const std::string results = (std::filesystem::path(dir) / "results.json").string();
  const std::string samples = (std::filesystem::path(dir) / "samples.jsonl").string();
  // Model outputs may end inside a UTF-8 sequence: replace such bytes rather than fail.
  write_file_atomically(results,
                        results_json(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  std::string lines;
  for (const auto& t : run.tasks) {
    for (const auto& o : t.outcomes) {
      const nlohmann::json j{{"dataset", t.key.dataset}, {"mode", t.key.mode}, {"task_hash", t.key.hash},
                             {"version", t.key.version}, {"index", o.index},   {"prompt_hash", o.prompt_hash},
                             {"prompt", o.prompt},       {"output", o.output}, {"answer", o.answer},
                             {"reference", o.reference}, {"score", o.score},   {"extracted", o.extracted},
                             {"truncated", o.truncated}, {"detail", o.detail}};
      lines += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      lines += '\n';
    }
  }
  write_file_atomically(samples, lines);
  return {results, samples};
}

}  // namespace sextant::harness
