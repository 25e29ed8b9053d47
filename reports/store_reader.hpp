// Reading a work directory's result store (sextant.db, written by `sextant eval`) read-only:
// its runs and every score they recorded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sextant::reports {

// The store layout this reader understands (PRAGMA user_version of sextant.db); the harness
// writes the same number, kept in step by hand because reports do not link the harness.
inline constexpr int kStoreLayoutVersion = 2;

struct StoredRun {
  std::int64_t id = 0;
  std::string started_at;                  // ISO 8601 UTC, "2024-05-01T12:00:00Z"
  std::optional<std::string> finished_at;  // absent while running, or when the run was killed
  std::string model, model_path, model_identity, command, suite;
};

// One row of the scores table: one metric of one task in one run.
struct StoredScore {
  std::int64_t run_id = 0;
  std::string task_hash, dataset, mode, dimension, metric;
  double value = 0.0, ci_low = 0.0, ci_high = 0.0;
  std::int64_t items = 0;
  std::string version;    // the short hash of the dataset mode's config
  bool headline = false;  // the task's headline metric (the one the leaderboard shows)
};

struct StoreContents {
  std::string path;                 // .../sextant.db
  std::vector<StoredRun> runs;      // by id
  std::vector<StoredScore> scores;  // by run, then in the order written (a rewrite comes last)
};

// The path of the store of a work directory.
std::string store_path(const std::string& work_dir);

// Opens work_dir/sextant.db read-only and reads it whole. Throws sextant::Error naming the
// path when the store is missing, is not a SQLite database, or has another layout.
StoreContents read_store(const std::string& work_dir);

}  // namespace sextant::reports
