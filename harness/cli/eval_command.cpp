// `sextant eval`: a model on named benchmarks, scores per dataset and per capability dimension.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/model_options.hpp"
#include "harness/eval/dataset_registry.hpp"
#include "harness/eval/multiple_choice_eval.hpp"
#include "harness/eval/task_identity.hpp"
#include "harness/store/result_store.hpp"

namespace sextant::harness {

namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string default_data_dir() {
  if (const char* env = std::getenv("SEXTANT_DATA_DIR")) return env;
  return "data";
}

// One line per dataset while it runs: a live line on a terminal, periodic lines otherwise.
class ProgressLine {
 public:
  explicit ProgressLine(std::string name) : name_(std::move(name)), start_(std::chrono::steady_clock::now()), tty_(isatty(2)) {}
  void update(std::int64_t done, std::int64_t total) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (!tty_ && done < total && elapsed - last_ < 10.0) return;
    last_ = elapsed;
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
    std::cerr << fmt::format("{}{:<16} {:>6}/{:<6} {:7.1f} items/s  ETA {:5.0f} s{}", tty_ ? "\r" : "", name_, done, total, rate,
                             eta, tty_ && done < total ? "" : "\n");
  }

 private:
  std::string name_;
  std::chrono::steady_clock::time_point start_;
  bool tty_;
  double last_ = -1e9;
};

}  // namespace

int eval_command(const std::vector<std::string>& argv) {
  std::string names;
  for (const auto& d : builtin_datasets()) {
    if (!names.empty()) names += ',';
    names += d.name;
  }
  Arguments args("eval",
                 "Evaluates a model on multiple-choice benchmarks (zero-shot, log-likelihood of each choice) and prints "
                 "the scores per dataset and per capability dimension.");
  add_model_options(args);
  args.option("datasets", "LIST", "comma-separated dataset names", names)
      .option("data-dir", "DIR", "folder holding the benchmark files (or $SEXTANT_DATA_DIR)", default_data_dir())
      .option("limit", "N", "score only the first N items of each dataset")
      .option("work-dir", "DIR", "where the result store (sextant.db) lives; a rerun reuses what it holds", "sextant-work")
      .flag("json", "print the results as JSON");
  if (!args.parse(argv)) return 0;

  std::vector<const DatasetSpec*> specs;
  for (const auto& name : split_list(args.get("datasets"))) specs.push_back(&find_dataset(name));
  const std::string data_dir = args.get("data-dir");
  const long long limit = args.has("limit") ? args.get_int("limit") : -1;
  if (args.has("limit") && limit < 1) throw UsageError("eval: --limit must be at least 1");

  const LoadedModel loaded = load_model(args);
  const runtime::Model& model = *loaded.model;
  runtime::Engine& engine = *loaded.engine;

  // Every scored chunk goes to the store as it completes; a rerun (after a crash or a kill)
  // scores only what is missing and ends with the same numbers.
  ResultStore store(args.get("work-dir"));
  const std::string model_id = model_identity(model.path());
  std::string command = "sextant eval";
  for (const auto& a : argv) command += " " + a;
  const std::int64_t run = store.begin_run(model.path(), model_id, command);

  struct Row {
    const DatasetSpec* spec;
    MultipleChoiceResult result;
    double seconds;
  };
  std::vector<Row> rows;
  std::vector<std::string> skipped;
  const auto t0 = std::chrono::steady_clock::now();
  for (const DatasetSpec* spec : specs) {
    const std::string path = (std::filesystem::path(data_dir) / spec->path).string();
    if (!std::filesystem::exists(path)) {
      skipped.push_back(fmt::format("{}: {} not found", spec->name, path));
      std::cerr << fmt::format("skipped {}: {} not found\n", spec->name, path);
      continue;
    }
    auto items = spec->load(path);
    if (limit > 0 && static_cast<long long>(items.size()) > limit) items.resize(static_cast<std::size_t>(limit));
    const TaskKey task{task_hash(model_id, spec->name, data_identity(path)), spec->name, spec->dimension, model_id};
    store.register_task(task);

    std::vector<ItemOutcome> outcomes;
    std::vector<bool> done(items.size(), false);
    for (auto& o : store.outcomes(task.hash)) {
      if (o.index < 0 || o.index >= static_cast<std::int64_t>(items.size())) continue;
      done[static_cast<std::size_t>(o.index)] = true;
      outcomes.push_back(std::move(o));
    }
    std::vector<std::int64_t> todo;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!done[i]) todo.push_back(static_cast<std::int64_t>(i));
    if (!outcomes.empty()) std::cerr << fmt::format("{}: {} of {} items already in {}\n", spec->name, outcomes.size(), items.size(), store.path());

    ProgressLine line(spec->name);
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t total = static_cast<std::int64_t>(items.size());
    score_items(engine, items, todo, [&](const std::vector<ItemOutcome>& chunk) {
      store.add_outcomes(task.hash, chunk);
      outcomes.insert(outcomes.end(), chunk.begin(), chunk.end());
      line.update(static_cast<std::int64_t>(outcomes.size()), total);
    });
    const MultipleChoiceResult result = aggregate(outcomes);
    store.add_score(run, task, "acc", result.acc, result.items);
    store.add_score(run, task, "acc_norm", result.acc_norm, result.items);
    store.add_score(run, task, "acc_norm_nospace", result.acc_norm_nospace, result.items);
    store.add_score(run, task, "acc_token_mean", result.acc_token_mean, result.items);
    rows.push_back({spec, result, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  }
  store.finish_run(run);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Dimension scores are the mean of their datasets' headline metric (acc_norm_nospace, the
  // metric of SmolLM2's card); overall is the mean of the dimensions present.
  std::map<std::string, std::vector<double>> by_dimension;
  for (const Row& r : rows) by_dimension[r.spec->dimension].push_back(r.result.acc_norm_nospace.value);
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
  };
  std::vector<double> dimension_means;
  for (const auto& [dim, values] : by_dimension) dimension_means.push_back(mean(values));

  if (args.flag_set("json")) {
    auto acc_json = [](const Accuracy& a) { return nlohmann::json{{"value", a.value}, {"ci95", {a.ci_low, a.ci_high}}}; };
    nlohmann::json j;
    j["model"] = model.path();
    j["seconds"] = seconds;
    for (const Row& r : rows)
      j["datasets"][r.spec->name] = {{"dimension", r.spec->dimension},
                                     {"items", r.result.items},
                                     {"seconds", r.seconds},
                                     {"acc", acc_json(r.result.acc)},
                                     {"acc_norm", acc_json(r.result.acc_norm)},
                                     {"acc_norm_nospace", acc_json(r.result.acc_norm_nospace)},
                                     {"acc_token_mean", acc_json(r.result.acc_token_mean)}};
    for (const auto& [dim, values] : by_dimension) j["dimensions"][dim] = mean(values);
    j["overall"] = mean(dimension_means);
    j["skipped"] = skipped;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (rows.empty()) {
    for (const auto& s : skipped) std::cout << "skipped " << s << "\n";
    std::cout << fmt::format("no dataset was evaluated: none of their files is under {} (set --data-dir)\n", data_dir);
    return 0;
  }
  std::cout << fmt::format("{:<14} {:<15} {:>6}  {:>18}  {:>6}  {:>8}  {:>10}\n", "dimension", "dataset", "items",
                           "acc_norm_nospace", "acc", "acc_norm", "token_mean");
  for (const auto& [dim, values] : by_dimension) {
    for (const Row& r : rows) {
      if (r.spec->dimension != dim) continue;
      const auto& m = r.result;
      std::cout << fmt::format("{:<14} {:<15} {:>6}  {:>6.1f} [{:4.1f}, {:4.1f}]  {:>6.1f}  {:>8.1f}  {:>10.1f}\n", dim, r.spec->name,
                               m.items, 100 * m.acc_norm_nospace.value, 100 * m.acc_norm_nospace.ci_low,
                               100 * m.acc_norm_nospace.ci_high, 100 * m.acc.value, 100 * m.acc_norm.value,
                               100 * m.acc_token_mean.value);
    }
    std::cout << fmt::format("{:<14} {:<15} {:>6}  {:>6.1f}\n", dim, "(average)", "", 100 * mean(values));
  }
  std::cout << fmt::format("{:<14} {:<15} {:>6}  {:>6.1f}\n", "overall", "", "", 100 * mean(dimension_means));
  for (const auto& s : skipped) std::cout << "skipped " << s << "\n";
  std::cerr << fmt::format("[{:.1f} s]\n", seconds);
  return 0;
}

}  // namespace sextant::harness
