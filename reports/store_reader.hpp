// Reading a work directory's result store (sextant.db, written by `sextant eval`) read-only:
// its runs, models, every score they recorded, the progress of their tasks and the
// contamination splits of their tasks, and the samples of a task.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sextant::reports {

struct StoredRun {
  std::int64_t id = 0;
  std::string started_at;                  // ISO 8601 UTC, "2024-05-01T12:00:00Z"
  std::optional<std::string> finished_at;  // absent while running, or when the run was killed
  std::string model, model_path, model_identity, command, suite;
};

// One row of the models table; a training checkpoint has the step it was saved at.
struct StoredModel {
  std::string identity, name, path;
  std::optional<std::int64_t> step;
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

// One row of the progress table: how far a run is with one task, rewritten as its samples
// are stored. Stores written before the table existed have none.
struct StoredProgress {
  std::int64_t run_id = 0;
  std::string task_hash, dataset, mode;
  std::int64_t done = 0, total = 0;  // samples in the store (reused ones included) of those wanted
  std::string updated_at;            // ISO 8601 UTC with milliseconds, "2024-05-01T12:00:00.250Z"
};

// The latest contamination scan of a dataset against one corpus (`sextant data contamination`).
struct StoredContaminationScan {
  std::string dataset, shards, shards_path, mode;  // shards: the corpus's fingerprint (shards and n)
  std::int64_t ngram = 0;
  double min_overlap = 0.0;  // 0: an item is contaminated when any of its n-grams is in the corpus
  std::int64_t items = 0, contaminated = 0;
  std::string scanned_at;
};

// The mean per-sample score (the samples table's) of a subset of a task's items.
struct SubsetScore {
  std::int64_t samples = 0;
  double mean = 0.0;
};

// A task's samples split by its dataset's latest contamination scan.
struct StoredContaminationSplit {
  std::string task_hash, dataset, shards;
  SubsetScore clean, contaminated;
  std::int64_t unscanned = 0;  // samples whose item the scan did not cover (e.g. a scan with --limit)
};

struct StoreContents {
  std::string path;                      // .../sextant.db
  std::vector<StoredRun> runs;           // by id
  std::vector<StoredModel> models;       // by identity
  std::vector<StoredScore> scores;       // by run, then in the order written (a rewrite comes last)
  std::vector<StoredProgress> progress;  // by run, then in the order the tasks started
  // Both empty for a store without contamination records (or written before the tables).
  std::vector<StoredContaminationScan> contamination_scans;    // each dataset's latest, by dataset
  std::vector<StoredContaminationSplit> contamination_splits;  // one per task of a scanned dataset, by task hash
};

// The path of the store of a work directory.
std::string store_path(const std::string& work_dir);

// Opens work_dir/sextant.db read-only and reads it whole. Throws sextant::Error naming the
// path when the store is missing, is not a SQLite database, or has another layout.
StoreContents read_store(const std::string& work_dir);

// One row of the samples table: what the model was asked, what it said and how it scored.
struct StoredSample {
  std::int64_t item_index = 0;
  std::string prompt, output, answer, reference;
  double score = 0.0;  // the task's headline metric for this sample
  bool extracted = true, truncated = false;
  std::string detail;  // JSON text: per-metric inputs (log-probs, token counts, generations)
};

struct ItemScore {
  std::int64_t item_index = 0;
  double score = 0.0;
};

struct TaskSamples {
  std::vector<ItemScore> scores;      // every sample's score, by item index
  std::vector<StoredSample> samples;  // the first `limit` samples in full, by item index
};

// The samples of one task in the store file store_file (a StoreContents::path). Throws
// sextant::Error naming the path when the store cannot be read.
TaskSamples read_task_samples(const std::string& store_file, const std::string& task_hash, std::size_t limit);

}  // namespace sextant::reports
