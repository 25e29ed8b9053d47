// `sextant eval`: a model on a suite or named datasets, scores per dataset, per capability
// dimension and overall; resumable through the work directory's store; or, with --watch, each
// checkpoint of a training run as it lands.
#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/work_dirs.hpp"
#include "harness/config/config_catalog.hpp"
#include "harness/eval/progress_line.hpp"
#include "harness/eval/run_summary.hpp"
#include "harness/eval/task_identity.hpp"
#include "harness/eval/task_runner.hpp"
#include "harness/runner/local_runner.hpp"
#include "harness/store/result_store.hpp"
#include "harness/store/store_layout.hpp"
#include "runtime/engine/engine.hpp"
#include "trainer/checkpoint/training_checkpoint.hpp"

namespace sextant::harness {

namespace {

std::string default_data_dir() {
  if (const char* env = std::getenv("SEXTANT_DATA_DIR")) return env;
  return "data";
}

// The tasks to run, each dataset's config read once: a suite's, or --datasets (each in --mode
// or its default modes).
std::vector<PlannedTask> plan_tasks(const ConfigCatalog& catalog, const Arguments& args, std::string& suite_name) {
  std::vector<SuiteTask> tasks;
  const std::string mode = args.get_or("mode", "");
  if (args.has("datasets")) {
    suite_name = "";
    for (const auto& name : split_list(args.get("datasets"))) tasks.push_back(parse_suite_task(name));
  } else {
    suite_name = args.get("suite");
    tasks = catalog.suite(suite_name).tasks;
  }
  std::vector<PlannedTask> expanded;
  for (const auto& t : tasks) {
    const DatasetConfig d = catalog.dataset(t.dataset);
    if (!mode.empty()) {
      // --mode picks that mode of every dataset that has it.
      if (d.modes.count(mode) && (t.mode.empty() || t.mode == mode)) expanded.push_back({d, mode, {}});
      continue;
    }
    if (!t.mode.empty()) {
      d.mode(t.mode);  // throws listing the modes when there is no such mode
      expanded.push_back({d, t.mode, {}});
    } else {
      for (const auto& m : d.default_modes) expanded.push_back({d, m, {}});
    }
  }
  if (expanded.empty()) throw UsageError(fmt::format("eval: no dataset has mode \"{}\"", mode));
  return expanded;
}

// One model on the planned tasks of the arguments: a run in the store (with the step of a
// checkpoint), the run files, and the table (or results.json) on stdout. The plain command and
// each checkpoint of --watch come here.
int evaluate_model(const Arguments& args, std::vector<PlannedTask> planned, const std::string& suite_name,
                   const ModelConfig& model_config, std::optional<std::int64_t> step, const std::string& command,
                   const std::string& work_dir, const std::string& data_dir) {
  const std::string chat_arg = args.get("chat");
  if (chat_arg != "auto" && chat_arg != "on" && chat_arg != "off") throw UsageError("eval: --chat is auto, on or off");
  const bool chat = chat_arg == "on" || (chat_arg == "auto" && model_config.chat);
  const long long workers = args.get_int("max-workers");
  if (workers < 1) throw UsageError("eval: --max-workers must be at least 1");
  const long long limit = args.has("limit") ? args.get_int("limit") : -1;
  if (args.has("limit") && limit < 1) throw UsageError("eval: --limit must be at least 1");

  const auto model = runtime::Model::load(model_config.path);
  runtime::EngineOptions engine_options;
  if (args.has("threads")) engine_options.threads = static_cast<int>(args.get_int("threads"));
  runtime::Engine engine(*model, engine_options);

  ResultStore store(work_dir);
  RunSummary run;
  run.model_name = model_config.name;
  run.model_path = model_config.path;
  run.model_identity = model_identity(model_config.path);
  run.suite = suite_name;
  run.chat = chat;
  run.command = command;
  run.run_id = store.begin_run({run.model_name, run.model_path, run.model_identity, run.command, run.suite}, step);

  TaskOptions options;
  options.data_dir = data_dir;
  options.limit = limit;
  options.skip_bad_rows = args.flag_set("skip-bad-rows");
  options.chat = chat;
  options.circular = args.flag_set("circular");
  options.model_identity = run.model_identity;

  std::cerr << fmt::format("run {}: {} task(s) on {}{}; store {}\n", run.run_id, planned.size(), run.model_name,
                           chat ? " (chat template)" : "", store.path());
  if (chat != model_config.chat)
    std::cerr << fmt::format("note: the prompts {} the chat template, but {} {} a chat model\n",
                             chat ? "go through" : "skip", run.model_name,
                             model_config.chat ? "is" : "is not known as");
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& p : planned) {
    p.options = options;
    // Circular evaluation only where the mode's options can rotate.
    p.options.circular = options.circular && !p.dataset.mode(p.mode).rotate.empty();
  }
  const auto results = run_tasks_locally(engine, store, run.run_id, planned, workers, [](const TaskResult& r) {
    // Skipped tasks are listed once, under the summary table (or in results.json).
    for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  });
  for (const auto& r : results) {
    if (r.skipped.empty())
      run.tasks.push_back(r);
    else
      run.skipped.emplace_back(r.key.dataset + ":" + r.key.mode, r.skipped);
  }
  store.finish_run(run.run_id);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const std::string run_dir = (std::filesystem::path(work_dir) / "runs" / std::to_string(run.run_id)).string();
  const auto files = write_run_files(run, run_dir);
  if (args.flag_set("json")) {
    std::cout << results_json(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (run.tasks.empty()) {
    print_summary_table(std::cout, run);
    std::cout << fmt::format("no dataset was evaluated: none of their files is under {} (set --data-dir)\n",
                             options.data_dir);
    return 0;
  }
  print_summary_table(std::cout, run);
  if (!run.skipped.empty())
    std::cout << fmt::format("(scripts/fetch-data.sh {} fetches the missing benchmark files from upstream)\n",
                             options.data_dir);
  std::cout << fmt::format("results: {}\nsamples: {}\nstore:   {}\n", files[0], files[1], store.path());
  std::cerr << fmt::format("[{:.1f} s]\n", run.seconds);
  return 0;
}

// Set by Ctrl-C while --watch waits for a checkpoint. During an evaluation Ctrl-C ends the
// process at once, as without --watch: the store keeps every finished sample, and the same
// command later computes only what is missing.
volatile std::sig_atomic_t g_interrupted = 0;
volatile std::sig_atomic_t g_evaluating = 0;

void on_interrupt(int signal) {
  if (g_evaluating) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  g_interrupted = 1;
}

// `--watch DIR`: the training run's folder and its checkpoints folder (DIR itself when it holds
// step-N folders or is named checkpoints).
struct WatchedRun {
  std::filesystem::path run_dir, checkpoints_dir;
};

WatchedRun watched_run(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path d = fs::path(dir).lexically_normal();
  const fs::path clean = d.has_filename() ? d : d.parent_path();  // "runs/x/" -> "runs/x"
  if (clean.filename() == "checkpoints" ||
      (!fs::exists(clean / "checkpoints") && !trainer::complete_checkpoints(clean.string()).empty()))
    return {clean.parent_path().empty() ? fs::path(".") : clean.parent_path(), clean};
  return {clean, clean / "checkpoints"};
}

// The equivalent command of one checkpoint's evaluation, for the runs table: --watch's own
// options replaced by the model, its name and step.
std::string checkpoint_command(const std::vector<std::string>& argv, const trainer::CheckpointEntry& c,
                               const std::string& name) {
  std::string command = "sextant eval --model " + c.dir + " --model-name " + name + " --step " + std::to_string(c.step);
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    const bool takes_value = a == "--watch" || a == "--watch-timeout" || a == "--model-name" || a == "--step";
    const bool with_value = a.starts_with("--watch=") || a.starts_with("--watch-timeout=") ||
                            a.starts_with("--model-name=") || a.starts_with("--step=");
    if (takes_value) {
      ++i;
      continue;
    }
    if (!with_value) command += " " + a;
  }
  return command;
}

int watch_checkpoints(const Arguments& args, const std::vector<std::string>& argv) {
  if (args.has("model") || args.has("step"))
    throw UsageError("eval: --watch evaluates the run's checkpoints; it takes no --model or --step");
  const long long timeout = args.get_int("watch-timeout");
  if (timeout < 0) throw UsageError("eval: --watch-timeout must be 0 (no timeout) or more seconds");
  const WatchedRun run = watched_run(args.get("watch"));
  const ConfigCatalog catalog(args.get_or("configs", ""));
  const std::string work_dir = args.get_or("work-dir", run.run_dir.string());
  // The run's held-out text (heldout/NAME.jsonl) is found first, as `sextant train`'s own
  // evaluations find it.
  const std::string data_dir = run.run_dir.string() + "," + args.get("data-dir");
  // Planned once: a suite or dataset that does not exist fails before any waiting.
  std::string suite_name;
  const std::vector<PlannedTask> planned = plan_tasks(catalog, args, suite_name);

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::cerr << fmt::format("watching {} for checkpoints (store {}; Ctrl-C stops)\n", run.checkpoints_dir.string(),
                           (std::filesystem::path(work_dir) / kStoreFileName).string());
  std::set<std::int64_t> done;
  auto last_new = std::chrono::steady_clock::now();
  int evaluated = 0;
  while (!g_interrupted) {
    bool final_done = false;
    for (const trainer::CheckpointEntry& c : trainer::complete_checkpoints(run.checkpoints_dir.string())) {
      if (g_interrupted) break;
      if (done.count(c.step)) {
        final_done = final_done || c.final;
        continue;
      }
      const std::string name = args.has("model-name")   ? args.get("model-name")
                               : !c.config_name.empty() ? c.config_name
                                                        : run.run_dir.filename().string();
      // Evaluated before (by `sextant train`, or an earlier watch): not again. A --datasets
      // list has no suite name to match, so it runs (the store computes only what is missing).
      if (!suite_name.empty() && std::filesystem::exists(std::filesystem::path(work_dir) / kStoreFileName) &&
          ResultStore(work_dir).has_finished_run(model_identity(c.dir), suite_name)) {
        std::cerr << fmt::format("checkpoint {} (step {}) is already evaluated on {} in the store\n", c.dir, c.step,
                                 suite_name);
        done.insert(c.step);
        final_done = final_done || c.final;
        continue;
      }
      std::cerr << fmt::format("checkpoint {} (step {}{})\n", c.dir, c.step, c.final ? ", final" : "");
      ModelConfig model_config = catalog.model(c.dir);
      model_config.name = name;
      g_evaluating = 1;
      try {
        evaluate_model(args, planned, suite_name, model_config, c.step, checkpoint_command(argv, c, name), work_dir,
                       data_dir);
      } catch (const Error& e) {
        // A run that keeps only its last checkpoints may remove one before it is evaluated.
        if (std::filesystem::exists(c.dir)) throw;
        std::cerr << fmt::format("warning: {} was removed before its evaluation ended: {}\n", c.dir, e.what());
      }
      g_evaluating = 0;
      done.insert(c.step);
      ++evaluated;
      last_new = std::chrono::steady_clock::now();
      final_done = final_done || c.final;
    }
    if (final_done) {
      std::cerr << fmt::format("the final checkpoint is evaluated ({} checkpoint(s) in this watch)\n", evaluated);
      return 0;
    }
    if (timeout > 0 && std::chrono::steady_clock::now() - last_new >= std::chrono::seconds(timeout)) {
      std::cerr << fmt::format("no new checkpoint for {} s; stopping ({} checkpoint(s) evaluated)\n", timeout,
                               evaluated);
      return 0;
    }
    // Poll every 2 s, waking each 100 ms for Ctrl-C.
    for (int i = 0; i < 20 && !g_interrupted; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::cerr << fmt::format("stopped ({} checkpoint(s) evaluated)\n", evaluated);
  return 0;
}
}  // namespace

int eval_command(const std::vector<std::string>& argv) {
  Arguments args("eval",
                 "Evaluates a model on a suite of benchmarks (or named datasets) in their zero-shot, few-shot or "
                 "chain-of-thought modes, and prints scores per dataset, per capability dimension and overall. Every "
                 "sample goes to the store in the work directory as it completes: rerunning the same command after a "
                 "crash computes only what is missing.");
  args.option("model", "M",
              "a model config name (see 'sextant ls models'), a config .json, a .gguf file or a Hugging Face folder")
      .option("suite", "NAME", "the suite to run (see 'sextant ls suites')", "core")
      .option("datasets", "LIST", "comma-separated datasets (name or name:mode) instead of a suite")
      .option("mode", "MODE", "only this mode of each dataset: zero-shot, few-shot, cot, ...")
      .option("data-dir", "DIR", "folder holding the benchmark files (or $SEXTANT_DATA_DIR)", default_data_dir())
      .option("configs", "DIR", "config folder (default: ./configs, else $SEXTANT_CONFIG_DIR, else the source tree's)")
      .option("limit", "N", "only the first N items of each dataset")
      .option(
          "chat", "WHEN",
          "prompts through the model's chat template: auto (when the model config says it is a chat model), on, off",
          "auto")
      .option("work-dir", "DIR",
              fmt::format("where the result store (sextant.db) and the run files go (default: {}; with --watch, the "
                          "training run's folder, beside the store `sextant train` writes)",
                          kDefaultWorkDir))
      .option("threads", "N", "threads to use (default: all cores)")
      .option("max-workers", "N",
              "tasks split into units run by N workers sharing the model; their requests are batched together", "1")
      .flag("circular",
            "multiple choice also with the options rotated: a question counts only when every rotation is right")
      .flag("skip-bad-rows", "count and skip malformed rows instead of stopping at the first")
      .option("model-name", "NAME", "the name the model is stored and reported under (default: from --model)")
      .option("step", "N", "the training step of a checkpoint: reports plot its scores against steps")
      .option("watch", "DIR",
              "follow a training run (its --out folder, or its checkpoints/ folder): evaluate each complete "
              "checkpoint in step order, stored with its step, then wait for the next; stops after the final one")
      .option("watch-timeout", "S", "with --watch: also stop after S seconds without a new checkpoint (0: never)", "0")
      .flag("quiet", "no progress lines")
      .flag("json", "print results.json to stdout instead of the table");
  if (!args.parse(argv)) return 0;
  ProgressLine::set_quiet(args.flag_set("quiet"));
  if (args.has("watch")) return watch_checkpoints(args, argv);
  if (!args.has("model"))
    throw UsageError("eval: --model is required (a config name such as smollm2-135m-instruct, or a file)");
  const ConfigCatalog catalog(args.get_or("configs", ""));
  std::string suite_name;
  std::vector<PlannedTask> planned = plan_tasks(catalog, args, suite_name);
  ModelConfig model_config = catalog.model(args.get("model"));
  if (args.has("model-name")) model_config.name = args.get("model-name");
  std::optional<std::int64_t> step;
  if (args.has("step")) step = args.get_int("step");
  std::string command = "sextant eval";
  for (const auto& a : argv) command += " " + a;
  return evaluate_model(args, std::move(planned), suite_name, model_config, step, command,
                        args.get_or("work-dir", kDefaultWorkDir), args.get("data-dir"));
}

}  // namespace sextant::harness
