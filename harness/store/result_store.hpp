// The result store: one SQLite database per work directory holding runs, tasks, samples and scores.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/eval/multiple_choice_eval.hpp"

struct sqlite3;

namespace sextant::harness {

// What makes two evaluations comparable: a task is identified by the hash of its model,
// data, prompt form and metric version; samples are stored per task and item.
struct TaskKey {
  std::string hash;       // 16 hex digits
  std::string dataset;
  std::string dimension;
  std::string model_identity;
};

class ResultStore {
 public:
  // Opens (creating if needed) work_dir/sextant.db in WAL mode.
  explicit ResultStore(const std::string& work_dir);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  const std::string& path() const { return path_; }

  std::int64_t begin_run(const std::string& model, const std::string& model_identity, const std::string& command);
  void finish_run(std::int64_t run);
  void register_task(const TaskKey& task);

  // The outcomes stored for a task (any order).
  std::vector<ItemOutcome> outcomes(const std::string& task_hash);
  // Stores a chunk of outcomes in one transaction: all of them or none.
  void add_outcomes(const std::string& task_hash, const std::vector<ItemOutcome>& outcomes);
  void add_score(std::int64_t run, const TaskKey& task, const std::string& metric, const Accuracy& a, std::int64_t n);

 private:
  void exec(const std::string& sql);

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace sextant::harness
