// Running one task end to end, resuming from the store.
#include "harness/eval/task_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <unordered_set>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "datasets/source_spec.hpp"
#include "harness/eval/inference.hpp"
#include "harness/eval/progress_line.hpp"
#include "harness/eval/sample_builder.hpp"
#include "harness/eval/task_identity.hpp"

namespace sextant::harness {

std::vector<std::string> data_dirs_of(const std::string& list) {
  std::vector<std::string> dirs;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(',', start), list.size());
    if (end > start) dirs.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return dirs;
}

namespace {

std::string data_identity_of(const std::vector<std::string>& files) {
  ContentHash h;
  for (const auto& f : files) h.add(std::filesystem::path(f).filename().string()).add(data_identity(f));
  return h.hex();
}

// The silent failures users of other harnesses report, named per dataset.
void add_warnings(TaskResult& r, const ModeConfig& mode, const runtime::Tokenizer& tok,
                  const std::vector<PromptedSample>& samples, bool chat) {
  const std::string name = r.key.dataset + ":" + r.key.mode;
  for (const auto& m : r.scores) {
    if (m.metric == "extraction_rate" && m.value < 0.9)
      r.warnings.push_back(
          fmt::format("{}: the answer was extracted from only {:.1f}% of the outputs", name, 100 * m.value));
    if (m.metric == "truncation_rate" && m.value > 0)
      r.warnings.push_back(fmt::format("{}: {:.1f}% of the prompts were cut to fit the context", name, 100 * m.value));
    if (m.metric == "cutoff_rate" && m.value > 0.2)
      r.warnings.push_back(fmt::format("{}: {:.1f}% of the generations hit max_tokens ({}) before a stop", name,
                                       100 * m.value, mode.max_tokens));
  }
  if (!samples.empty() && tok.bos() >= 0) {
    const auto ids = tok.encode(samples.front().prompt, tok.adds_bos(), chat);
    if (ids.size() >= 2 && ids[0] == tok.bos() && ids[1] == tok.bos())
      r.warnings.push_back(fmt::format(
          "{}: the prompt starts with two BOS tokens (the template writes one, the tokenizer adds one)", name));
  }
}

}  // namespace

PreparedTask prepare_task(const runtime::Model& model, ResultStore& store, const DatasetConfig& dataset,
                          const ModeConfig& mode, const TaskOptions& options) {
  PreparedTask task;
  task.start = std::chrono::steady_clock::now();
  task.mode = &mode;
  task.options = options;
  TaskResult& result = task.result;
  result.key.dataset = dataset.name;
  result.key.mode = options.circular ? mode.name + "+circular" : mode.name;
  result.key.dimension = dataset.dimension;
  result.key.model_identity = options.model_identity;
  result.key.metric = options.circular ? mode.metric + "_circular" : mode.metric;
  const std::string identity_json =
      dataset.common_json + "|" + mode.config_json + (options.circular ? "|circular" : "");
  result.key.version = config_version(dataset.name, identity_json, options.chat);

  // The data folders are searched in order; the first that holds the test files is the
  // dataset's root.
  const datasets::SourceSpec* test = nullptr;
  std::string root, locations;
  for (const std::string& dir : data_dirs_of(options.data_dir)) {
    if ((test = dataset.test_source(dir))) {
      root = dir;
      break;
    }
    locations += (locations.empty() ? "" : ", ") + dataset.test_locations(dir);
  }
  if (!test) {
    result.skipped = fmt::format("not found: {}", locations);
    return task;
  }
  std::vector<std::string> files = datasets::source_files(*test, root);
  if (mode.shots > 0) {
    const auto example_files = datasets::source_files(*dataset.examples, root);
    if (example_files.empty()) {
      result.skipped = fmt::format("no exemplar file under {}", root);
      return task;
    }
    files.insert(files.end(), example_files.begin(), example_files.end());
  }

  datasets::BadRows bad(options.skip_bad_rows);
  std::vector<datasets::Record> rows = datasets::load_records(*test, root, bad);
  if (options.limit > 0 && static_cast<std::int64_t>(rows.size()) > options.limit)
    rows.resize(static_cast<std::size_t>(options.limit));
  std::vector<datasets::Record> examples;
  if (mode.shots > 0) examples = datasets::load_records(*dataset.examples, root, bad);

  std::optional<runtime::ChatTemplate> chat;
  if (options.chat) chat = runtime::chat_template_for(model);
  const SampleBuilder builder(dataset, mode, std::move(examples), chat, options.circular);
  std::vector<PromptedSample> samples;
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (auto& s : builder.build(rows[i], static_cast<std::int64_t>(i), bad)) samples.push_back(std::move(s));
  result.bad_rows = bad.count();
  for (const auto& e : bad.examples()) result.warnings.push_back("skipped bad row: " + e);

  result.key.hash =
      task_hash(options.model_identity, dataset.name, identity_json, data_identity_of(files), options.chat);
  store.register_task(result.key, identity_json);

  // Resume: what the store holds for this task is not computed again. Stored outcomes of
  // samples not wanted now (beyond --limit, or rows now skipped as bad) do not count.
  std::unordered_set<std::int64_t> wanted_keys;
  for (const auto& s : samples) wanted_keys.insert(s.index);
  std::unordered_set<std::int64_t> have;
  for (auto& o : store.outcomes(result.key.hash)) {
    if (!wanted_keys.count(o.index)) continue;
    have.insert(o.index);
    task.outcomes.push_back(std::move(o));
  }
  if (!samples.empty()) task.first = samples.front();
  task.wanted = static_cast<std::int64_t>(samples.size());
  for (auto& s : samples)
    if (!have.count(s.index)) task.todo.push_back(std::move(s));
  result.reused = static_cast<std::int64_t>(task.outcomes.size());
  return task;
}

void run_samples(runtime::RequestServer& server, const ModeConfig& mode, const std::vector<PromptedSample>& samples,
                 const OutcomeSink& sink) {
  if (samples.empty()) return;
  switch (mode.inferencer) {
    case Inferencer::Ppl:
      run_ppl(server, mode, samples, sink);
      break;
    case Inferencer::Target:
      run_target(server, mode, samples, sink);
      break;
    case Inferencer::Gen:
      run_gen(server, mode, samples, sink);
      break;
    case Inferencer::Rolling:
      run_rolling(server, mode, samples, sink);
      break;
  }
}

TaskResult finish_task(PreparedTask& task, ResultStore& store, std::int64_t run, const runtime::Tokenizer& tok) {
  TaskResult& result = task.result;
  auto& outcomes = task.outcomes;
  std::sort(outcomes.begin(), outcomes.end(),
            [](const SampleOutcome& a, const SampleOutcome& b) { return a.index < b.index; });
  result.samples = static_cast<std::int64_t>(outcomes.size());
  if (outcomes.empty()) {
    result.skipped = "no sample could be built";
    return std::move(result);
  }
  result.scores = task_scores(*task.mode, outcomes, task.options.circular);
  store.set_scores(run, result.key, result.scores);
  std::vector<PromptedSample> first;
  if (task.first) first.push_back(*task.first);
  add_warnings(result, *task.mode, tok, first, task.options.chat);
  result.outcomes = std::move(outcomes);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - task.start).count();
  return std::move(result);
}

TaskResult run_task(runtime::RequestServer& server, ResultStore& store, std::int64_t run, const DatasetConfig& dataset,
                    const ModeConfig& mode, const TaskOptions& options) {
  PreparedTask task = prepare_task(server.model(), store, dataset, mode, options);
  if (!task.result.skipped.empty()) return std::move(task.result);
  ProgressLine line(dataset.name + ":" + task.result.key.mode);
  std::int64_t done = 0;
  store.set_progress(run, task.result.key, task.result.reused, task.wanted);
  const OutcomeSink sink = [&](const std::vector<SampleOutcome>& chunk) {
    store.add_outcomes(task.result.key.hash, chunk);
    task.outcomes.insert(task.outcomes.end(), chunk.begin(), chunk.end());
    done += static_cast<std::int64_t>(chunk.size());
    store.set_progress(run, task.result.key, task.result.reused + done, task.wanted);
    line.update(done, task.wanted, task.result.reused);
  };
  if (task.todo.empty()) line.update(0, task.wanted, task.result.reused);
  run_samples(server, mode, task.todo, sink);
  return finish_task(task, store, run, server.model().tokenizer());
}

}  // namespace sextant::harness
