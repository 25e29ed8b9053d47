// Merging the runs of several stores into one leaderboard: latest score per model and task,
// rows in dimension order, dimension and overall means per model.
#include "reports/leaderboard.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <tuple>
#include <utility>

namespace sextant::reports {

namespace {

// Position of a dimension in the report: the five in their fixed order, any other after them.
std::size_t dimension_rank(const std::string& dimension) {
  const auto* found = std::find(std::begin(kDimensionOrder), std::end(kDimensionOrder), dimension);
  return static_cast<std::size_t>(found - std::begin(kDimensionOrder));
}

bool dimension_before(const std::string& a, const std::string& b) {
  return std::make_pair(dimension_rank(a), a) < std::make_pair(dimension_rank(b), b);
}

template <typename Field>
std::string distinct_joined(const std::vector<std::optional<Cell>>& cells, Field field) {
  std::vector<std::string> seen;
  for (const auto& c : cells)
    if (c && std::find(seen.begin(), seen.end(), field(*c)) == seen.end()) seen.push_back(field(*c));
  std::string out;
  for (const auto& s : seen) out += (out.empty() ? "" : "/") + s;
  return out;
}

std::optional<std::int64_t> step_of(const StoreContents& store, const std::string& identity) {
  for (const auto& m : store.models)
    if (m.identity == identity) return m.step;
  return std::nullopt;
}

MetricValue metric_value(const StoredScore& s) { return {s.metric, s.value, s.ci_low, s.ci_high, s.items}; }

// Labels are the model names; where two models share a name, the training step or else the
// identity tells them apart.
void assign_labels(std::vector<ModelColumn>& models) {
  std::map<std::string, int> name_count;
  std::map<std::string, std::map<std::int64_t, int>> step_count;  // name -> step -> models
  for (const auto& m : models) {
    ++name_count[m.name];
    if (m.step) ++step_count[m.name][*m.step];
  }
  std::map<std::string, int> label_count;
  for (auto& m : models) {
    if (name_count[m.name] == 1)
      m.label = m.name;
    else if (m.step && step_count[m.name][*m.step] == 1)
      m.label = m.name + " (step " + std::to_string(*m.step) + ")";
    else
      m.label = m.name + " (" + m.identity.substr(0, 8) + ")";
    if (const int n = label_count[m.label]++; n > 0) m.label += " #" + std::to_string(n + 1);
  }
}

void summarize_model(ModelColumn& model, std::size_t column, const std::vector<Row>& rows) {
  std::map<std::string, std::pair<double, int>, decltype(&dimension_before)> sums(&dimension_before);
  for (const auto& row : rows) {
    if (!row.cells[column] || row.dimension == kPerplexityGroup) continue;
    auto& [sum, n] = sums[row.dimension];
    sum += row.cells[column]->score.value;
    ++n;
  }
  double total = 0.0;
  for (const auto& [dimension, sum_n] : sums) {
    const double mean = sum_n.first / sum_n.second;
    model.dimensions.push_back({dimension, mean, sum_n.second});
    total += mean;
  }
  if (!model.dimensions.empty()) model.overall = total / static_cast<double>(model.dimensions.size());
}

}  // namespace

std::string Row::metrics() const {
  return distinct_joined(cells, [](const Cell& c) { return c.score.metric; });
}

std::string Row::versions() const {
  return distinct_joined(cells, [](const Cell& c) { return c.version; });
}

Leaderboard build_leaderboard(const std::vector<StoreContents>& stores, const ReportContext& context) {
  Leaderboard board;
  board.context = context;
  for (std::size_t s = 0; s < stores.size(); ++s) {
    board.stores.push_back(stores[s].path);
    for (const auto& run : stores[s].runs) board.runs.push_back({s, run});
  }
  // Timestamps are ISO 8601 UTC, so they sort as text.
  std::stable_sort(board.runs.begin(), board.runs.end(), [](const ReportRun& a, const ReportRun& b) {
    return std::tie(a.run.started_at, a.store, a.run.id) < std::tie(b.run.started_at, b.store, b.run.id);
  });

  std::map<std::pair<std::size_t, std::int64_t>, std::size_t> run_at;   // (store, run id) -> run index
  std::map<std::pair<std::string, std::string>, std::size_t> model_at;  // (name, identity) -> column
  std::vector<std::size_t> model_of_run;
  for (std::size_t i = 0; i < board.runs.size(); ++i) {
    const StoredRun& run = board.runs[i].run;
    run_at[{board.runs[i].store, run.id}] = i;
    const auto [it, added] = model_at.try_emplace({run.model, run.model_identity}, board.models.size());
    if (added) {
      ModelColumn m;
      m.name = run.model;
      m.identity = run.model_identity;
      m.path = run.model_path;
      m.step = step_of(stores[board.runs[i].store], run.model_identity);
      board.models.push_back(std::move(m));
    }
    board.models[it->second].runs.push_back(i);
    model_of_run.push_back(it->second);
  }
  assign_labels(board.models);

  // Each run's scores, in the order the store wrote them.
  std::vector<std::vector<const StoredScore*>> scores_of_run(board.runs.size());
  for (std::size_t s = 0; s < stores.size(); ++s)
    for (const auto& score : stores[s].scores)
      if (auto it = run_at.find({s, score.run_id}); it != run_at.end()) scores_of_run[it->second].push_back(&score);

  // (store, task hash) -> its split by the dataset's latest contamination scan.
  std::map<std::pair<std::size_t, std::string>, ContaminationSplit> splits;
  for (std::size_t s = 0; s < stores.size(); ++s) {
    std::map<std::string, const StoredContaminationScan*> scan_of;  // dataset -> latest scan
    for (const auto& scan : stores[s].contamination_scans) scan_of[scan.dataset] = &scan;
    for (const auto& split : stores[s].contamination_splits) {
      const auto it = scan_of.find(split.dataset);
      if (it == scan_of.end()) continue;
      splits[{s, split.task_hash}] =
          ContaminationSplit{split.shards, it->second->shards_path, it->second->ngram, it->second->min_overlap,
                             split.clean,  split.contaminated,      split.unscanned};
    }
  }

  // Oldest run first, so that a later run's score replaces an earlier one.
  std::map<std::pair<std::string, std::string>, Row> rows;  // (dataset, mode) -> row
  for (std::size_t i = 0; i < board.runs.size(); ++i) {
    std::map<std::string, std::vector<MetricValue>> others;  // task hash -> its non-headline metrics
    for (const StoredScore* s : scores_of_run[i])
      if (!s->headline) others[s->task_hash].push_back(metric_value(*s));
    for (const StoredScore* s : scores_of_run[i]) {
      if (!s->headline) continue;
      Row& row = rows[{s->dataset, s->mode}];
      if (row.cells.empty()) {
        row.dataset = s->dataset;
        row.mode = s->mode;
        row.cells.resize(board.models.size());
      }
      row.dimension = s->dimension;
      row.cells[model_of_run[i]] = Cell{metric_value(*s), others[s->task_hash], s->version, s->task_hash, i, {}};
      if (auto it = splits.find({board.runs[i].store, s->task_hash}); it != splits.end())
        row.cells[model_of_run[i]]->contamination = it->second;
    }
  }
  for (auto& [key, row] : rows) board.rows.push_back(std::move(row));
  std::stable_sort(board.rows.begin(), board.rows.end(), [](const Row& a, const Row& b) {
    if (a.dimension != b.dimension) return dimension_before(a.dimension, b.dimension);
    return std::tie(a.dataset, a.mode) < std::tie(b.dataset, b.mode);
  });

  for (std::size_t c = 0; c < board.models.size(); ++c) summarize_model(board.models[c], c, board.rows);

  if (!board.runs.empty()) {
    board.started_at = board.runs.front().run.started_at;
    std::string last;
    bool all_finished = true;
    for (const auto& r : board.runs) {
      if (!r.run.finished_at)
        all_finished = false;
      else
        last = std::max(last, *r.run.finished_at);
    }
    if (all_finished) board.finished_at = last;
  }
  return board;
}

}  // namespace sextant::reports
