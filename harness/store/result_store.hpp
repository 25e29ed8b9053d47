// The result store: one SQLite database per work directory holding runs, models, tasks,
// samples, scores, the progress of running tasks and which items a training corpus holds (the layout is in
// result_store.cpp).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/sqlite_database.hpp"
#include "harness/eval/contamination_scan.hpp"
#include "harness/eval/sample_outcome.hpp"
#include "harness/eval/task_scores.hpp"

namespace sextant::harness {

// What makes two evaluations comparable: a task is identified by the hash of its model,
// data, mode config, chat setting and metric version; samples are stored per task and item.
struct TaskKey {
  std::string hash;  // 16 hex digits
  std::string dataset;
  std::string mode;
  std::string dimension;
  std::string model_identity;
  std::string version;  // short hash of the dataset mode's config alone (OpenCompass's "version")
  std::string metric;   // the headline metric
};

struct RunInfo {
  std::string model_name, model_path, model_identity, command, suite;
};

class ResultStore {
 public:
  // Opens (creating if needed) work_dir/sextant.db in WAL mode.
  explicit ResultStore(const std::string& work_dir);
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  const std::string& path() const { return db_.path(); }

  // `step`: the training step when the model is a checkpoint (reports plot against it).
  std::int64_t begin_run(const RunInfo& run, std::optional<std::int64_t> step = std::nullopt);
  void finish_run(std::int64_t run);
  // Whether a run of this model on this suite has finished (`eval --watch` skips such checkpoints).
  bool has_finished_run(const std::string& model_identity, const std::string& suite);
  void register_task(const TaskKey& task, const std::string& config_json);

  // The outcomes stored for a task (any order).
  std::vector<SampleOutcome> outcomes(const std::string& task_hash);
  // Stores a chunk of outcomes in one transaction: all of them or none.
  void add_outcomes(const std::string& task_hash, const std::vector<SampleOutcome>& outcomes);
  // Replaces this run's scores of the task in one transaction.
  void set_scores(std::int64_t run, const TaskKey& task, const std::vector<MetricScore>& scores);
  // Records how far this run is with the task: `done` of its `total` samples are in the store
  // (those reused from earlier runs included); `sextant serve` shows it while the run goes on.
  void set_progress(std::int64_t run, const TaskKey& task, std::int64_t done, std::int64_t total);
  // Replaces what the store knew about the dataset against these shards (scan and items) in one
  // transaction; reports split the dataset's scores by the latest scan of each dataset.
  void set_contamination(const DatasetContamination& scan);

 private:
  SqliteDatabase db_;
  std::mutex mutex_;  // one connection shared by worker threads: one call at a time
};

}  // namespace sextant::harness
