// The report model: the scores of one or more result stores as a leaderboard, one column per
// model, one row per (dataset, mode), grouped by capability dimension, with dimension and
// overall scores per model and the metadata of the runs behind them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/capability_dimensions.hpp"
#include "reports/machine_info.hpp"
#include "reports/store_reader.hpp"

namespace sextant::reports {

// The five dimensions in the order every report shows them. A dimension outside this list
// sorts after them by name.
inline constexpr const auto& kDimensionOrder = kCapabilityDimensions;

struct MetricValue {
  std::string metric;
  double value = 0.0;                  // a fraction (0.5 is 50%), except perplexity
  double ci_low = 0.0, ci_high = 0.0;  // 95% interval
  std::int64_t samples = 0;
};

// A cell's samples split by its dataset's latest contamination scan: the mean per-sample
// score (the samples table's headline score per item) of the clean and the contaminated items.
struct ContaminationSplit {
  std::string shards, shards_path;  // the corpus's fingerprint and where it was read
  std::int64_t ngram = 0;
  double min_overlap = 0.0;
  SubsetScore clean, contaminated;
  std::int64_t unscanned = 0;
};

// One model's score on one (dataset, mode): the headline metric of the latest run that scored it.
struct Cell {
  MetricValue score;
  std::vector<MetricValue> other_metrics;  // the task's other metrics and rates, as stored
  std::string version;                     // short hash of the dataset mode's config
  std::string task_hash;
  std::size_t run = 0;                              // index into Leaderboard::runs
  std::optional<ContaminationSplit> contamination;  // when the dataset was scanned
};

struct Row {
  std::string dimension, dataset, mode;
  std::vector<std::optional<Cell>> cells;  // one per model, in Leaderboard::models order

  // The distinct headline metrics (versions) of the cells, in column order, joined with "/":
  // one name when every model was scored the same way, several when they were not.
  std::string metrics() const;
  std::string versions() const;
};

struct DimensionScore {
  std::string dimension;
  double score = 0.0;  // mean of the headline values of the model's datasets in it
  int datasets = 0;
};

struct ModelColumn {
  // The name; when two models share it, with the training step added ("run (step 300)") where
  // both have one, else with the identity's first 8 digits.
  std::string label;
  std::string name, identity, path;
  std::optional<std::int64_t> step;        // a training checkpoint's step (the store's models table)
  std::vector<std::size_t> runs;           // indices into Leaderboard::runs, oldest first
  std::vector<DimensionScore> dimensions;  // only those with a score, in kDimensionOrder order
  std::optional<double> overall;           // mean of `dimensions`; absent when none
};

struct ReportRun {
  std::size_t store = 0;  // index into Leaderboard::stores
  StoredRun run;
};

// What the report says about how it was made; passed in so that tests are deterministic.
struct ReportContext {
  std::string sextant_version, git_revision;
  std::string generated_at;  // ISO 8601 UTC
  MachineInfo machine;
};

struct Leaderboard {
  ReportContext context;
  std::vector<std::string> stores;         // paths of the sextant.db files, as given
  std::vector<ReportRun> runs;             // oldest first
  std::vector<ModelColumn> models;         // in the order of their first run
  std::vector<Row> rows;                   // by dimension (kDimensionOrder), then dataset, then mode
  std::optional<std::string> started_at;   // of the first run
  std::optional<std::string> finished_at;  // of the last run to finish; absent while any is unfinished
};

// A model is a run's model name and identity. When several runs scored the same model on the
// same (dataset, mode), the latest run wins (by start time, then store order, then run id).
// Dimension and overall scores follow `sextant eval`'s summary: a dimension is the mean of
// its datasets' headline values, overall the mean of the dimensions present.
Leaderboard build_leaderboard(const std::vector<StoreContents>& stores, const ReportContext& context);

}  // namespace sextant::reports
