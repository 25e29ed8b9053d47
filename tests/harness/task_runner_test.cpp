// A task end to end on the real model: samples scored, stored, and reused on a rerun.
#include "harness/eval/task_runner.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "harness/config/dataset_config.hpp"
#include "harness/runner/local_runner.hpp"
#include "reports/store_reader.hpp"
#include "runtime/engine/engine.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using namespace sextant;
using namespace sextant::harness;

TEST_CASE("a ppl and a gen task run, store every sample, and a rerun computes nothing again",
          "[harness][eval][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  const auto dir = std::filesystem::temp_directory_path() / "sextant_task_runner";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "data");
  // Easy items a 135M model gets right, and one whose gold is a deliberately odd choice.
  std::ofstream(dir / "data" / "tiny.jsonl")
      << R"({"q": "The capital of France is", "choices": ["Paris", "a banana", "the number seven"], "gold": 0, "next": "Paris"})"
      << "\n"
      << R"({"q": "One, two, three, four,", "choices": ["five", "purple", "yesterday"], "gold": 0, "next": "five"})"
      << "\n"
      << R"({"q": "The sun rises in the", "choices": ["east", "refrigerator"], "gold": 1, "next": "east"})"
      << "\n";
  std::ofstream(dir / "tiny.json") << R"({
    "name": "tiny", "dimension": "Knowledge",
    "test": {"format": "jsonl", "path": "tiny.jsonl"},
    "gold": {"kind": "index", "field": "gold"},
    "modes": {
      "zero-shot": {"inferencer": "ppl", "prompt": "{q}", "choices": "choices", "metric": "acc"},
      "gen": {"inferencer": "gen", "prompt": "{q}", "max_tokens": 4, "stop": [",", "."], "reference": "{next}", "metric": "exact_match"}
    }})";
  const DatasetConfig d = load_dataset_config((dir / "tiny.json").string());
  const auto model = runtime::Model::load(path);
  runtime::Engine engine(*model, {.threads = 2});
  ResultStore store((dir / "work").string());
  const std::int64_t run = store.begin_run({"m", path, "id", "test", ""});
  TaskOptions options;
  options.data_dir = (dir / "data").string();
  options.model_identity = "id";

  const TaskResult ppl = run_task(engine, store, run, d, d.mode("zero-shot"), options);
  REQUIRE(ppl.skipped.empty());
  REQUIRE(ppl.outcomes.size() == 3);
  CHECK(ppl.outcomes[0].answer == "A");
  CHECK(ppl.outcomes[2].answer == "A");  // "east", while the gold says refrigerator
  CHECK(ppl.outcomes[2].reference == "B");
  CHECK(ppl.scores[0].metric == "acc");
  CHECK(ppl.scores[0].value == Approx(2.0 / 3.0));
  CHECK(ppl.outcomes[1].detail["tokens"].size() == 3);
  CHECK(ppl.outcomes[0].prompt_hash.size() == 16);

  const TaskResult gen = run_task(engine, store, run, d, d.mode("gen"), options);
  REQUIRE(gen.outcomes.size() == 3);
  CHECK(gen.outcomes[1].answer == "five");
  CHECK(gen.key.hash != ppl.key.hash);
  CHECK(gen.key.version != ppl.key.version);

  const auto computed = engine.stats().tokens_computed;
  const TaskResult again = run_task(engine, store, run, d, d.mode("zero-shot"), options);
  CHECK(engine.stats().tokens_computed == computed);
  CHECK(again.reused == 3);
  CHECK(again.scores[0].value == ppl.scores[0].value);
  CHECK(again.key.hash == ppl.key.hash);

  // The chat template changes the prompts, so the task (and its version) differ.
  options.chat = true;
  const TaskResult chat = run_task(engine, store, run, d, d.mode("zero-shot"), options);
  CHECK(chat.key.hash != ppl.key.hash);
  CHECK(chat.key.version != ppl.key.version);
  CHECK(chat.outcomes[0].prompt.find("<|im_start|>user\nThe capital of France is<|im_end|>") != std::string::npos);
  // Several workers sharing the engine (tasks in units, requests merged across tasks) give
  // the same outcomes as one.
  options.chat = false;
  const std::vector<PlannedTask> planned{{d, "zero-shot", options}, {d, "gen", options}};
  for (int workers : {1, 3}) {
    ResultStore fresh((dir / ("work" + std::to_string(workers))).string());
    const std::int64_t r = fresh.begin_run({"m", path, "id", "test", ""});
    std::vector<std::string> finished;
    const auto results = run_tasks_locally(engine, fresh, r, planned, workers,
                                           [&](const TaskResult& t) { finished.push_back(t.key.mode); });
    REQUIRE(results.size() == 2);
    CHECK(finished.size() == 2);
    CHECK(results[0].scores[0].value == ppl.scores[0].value);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(results[0].outcomes[i].detail == ppl.outcomes[i].detail);
      CHECK(results[1].outcomes[i].output == gen.outcomes[i].output);
    }
    // Either way each task's progress row ends with every sample done.
    const auto progress = reports::read_store((dir / ("work" + std::to_string(workers))).string()).progress;
    REQUIRE(progress.size() == 2);
    for (std::size_t t = 0; t < 2; ++t) {
      CHECK(progress[t].run_id == r);
      CHECK(progress[t].task_hash == results[t].key.hash);
      CHECK(progress[t].done == 3);
      CHECK(progress[t].total == 3);
    }
  }
  std::filesystem::remove_all(dir);
}
