// Read-only queries over a result store; the layout is harness/store/result_store.cpp's.
#include "reports/store_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include "core/error.hpp"
#include "core/sqlite_database.hpp"
#include "harness/store/store_layout.hpp"

namespace sextant::reports {

namespace {

// Fails unless the store has the layout this reader understands.
void check_layout(const SqliteDatabase& db) {
  SqliteStatement version(db, "PRAGMA user_version");
  version.step();
  const std::int64_t layout = version.int_at(0);
  if (layout != harness::kStoreLayoutVersion)
    fail("{}: not a result store this sextant reads (store layout {}, expected {})", db.path(), layout,
         harness::kStoreLayoutVersion);
}

bool has_table(const SqliteDatabase& db, const std::string& name) {
  SqliteStatement s(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  s.bind(1, name);
  s.step();
  return s.int_at(0) > 0;
}

// Each dataset's latest scan (the highest rowid: INSERT OR REPLACE renumbers a rescan), and
// every task's samples split by it, the item of a circular sample being its row.
void read_contamination(const SqliteDatabase& db, StoreContents& store) {
  if (!has_table(db, "contamination_scans") || !has_table(db, "contamination")) return;
  const std::string latest =
      "WITH latest AS (SELECT * FROM contamination_scans cs WHERE cs.rowid = "
      "(SELECT max(rowid) FROM contamination_scans WHERE dataset = cs.dataset)) ";
  const std::string scans_sql = latest +
                                "SELECT dataset, shards, shards_path, mode, ngram, min_overlap, items, contaminated, "
                                "scanned_at FROM latest ORDER BY dataset";
  SqliteStatement scans(db, scans_sql.c_str());
  while (scans.step()) {
    StoredContaminationScan c;
    c.dataset = scans.text_at(0);
    c.shards = scans.text_at(1);
    c.shards_path = scans.text_at(2);
    c.mode = scans.text_at(3);
    c.ngram = scans.int_at(4);
    c.min_overlap = scans.double_at(5);
    c.items = scans.int_at(6);
    c.contaminated = scans.int_at(7);
    c.scanned_at = scans.text_at(8);
    store.contamination_scans.push_back(std::move(c));
  }
  const std::string splits_sql =
      latest + fmt::format(
                   "SELECT t.hash, t.dataset, l.shards, c.contaminated, count(*), avg(s.score) "
                   "FROM samples s JOIN tasks t ON t.hash = s.task_hash JOIN latest l ON l.dataset = "
                   "t.dataset LEFT JOIN contamination c ON c.dataset = t.dataset AND c.shards = l.shards "
                   "AND c.item_index = CASE WHEN t.mode LIKE '%+circular' THEN s.item_index / {} "
                   "ELSE s.item_index END GROUP BY t.hash, c.contaminated ORDER BY t.hash",
                   harness::kCircularItemStride);
  SqliteStatement splits(db, splits_sql.c_str());
  while (splits.step()) {
    if (store.contamination_splits.empty() || store.contamination_splits.back().task_hash != splits.text_at(0)) {
      StoredContaminationSplit split;
      split.task_hash = splits.text_at(0);
      split.dataset = splits.text_at(1);
      split.shards = splits.text_at(2);
      store.contamination_splits.push_back(std::move(split));
    }
    StoredContaminationSplit& split = store.contamination_splits.back();
    const std::int64_t samples = splits.int_at(4);
    if (splits.is_null(3))
      split.unscanned = samples;
    else
      (splits.int_at(3) != 0 ? split.contaminated : split.clean) = {samples, splits.double_at(5)};
  }
}

}  // namespace

std::string store_path(const std::string& work_dir) {
  return (std::filesystem::path(work_dir) / harness::kStoreFileName).string();
}

StoreContents read_store(const std::string& work_dir) {
  StoreContents store;
  store.path = store_path(work_dir);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(store.path, ec))
    fail("{}: no result store here (`sextant eval --work-dir {}` writes one)", store.path, work_dir);
  SqliteDatabase db(store.path, SqliteDatabase::Mode::ReadOnly);
  check_layout(db);
  // One read transaction: the tables as of one moment, though `sextant eval` writes on.
  db.exec("BEGIN");

  SqliteStatement runs(db,
                       "SELECT id, started_at, finished_at, model, model_path, model_identity, command, suite "
                       "FROM runs ORDER BY id");
  while (runs.step()) {
    StoredRun r;
    r.id = runs.int_at(0);
    r.started_at = runs.text_at(1);
    if (!runs.is_null(2)) r.finished_at = runs.text_at(2);
    r.model = runs.text_at(3);
    r.model_path = runs.text_at(4);
    r.model_identity = runs.text_at(5);
    r.command = runs.text_at(6);
    r.suite = runs.text_at(7);
    store.runs.push_back(std::move(r));
  }

  SqliteStatement models(db, "SELECT identity, name, path, step FROM models ORDER BY identity");
  while (models.step()) {
    StoredModel m;
    m.identity = models.text_at(0);
    m.name = models.text_at(1);
    m.path = models.text_at(2);
    if (!models.is_null(3)) m.step = models.int_at(3);
    store.models.push_back(std::move(m));
  }

  // INSERT OR REPLACE gives a rewritten score a new rowid, so rowid order puts it last.
  SqliteStatement scores(db,
                         "SELECT run_id, task_hash, dataset, mode, dimension, metric, value, ci_low, ci_high, items, "
                         "version, headline FROM scores ORDER BY run_id, rowid");
  while (scores.step()) {
    StoredScore s;
    s.run_id = scores.int_at(0);
    s.task_hash = scores.text_at(1);
    s.dataset = scores.text_at(2);
    s.mode = scores.text_at(3);
    s.dimension = scores.text_at(4);
    s.metric = scores.text_at(5);
    s.value = scores.double_at(6);
    s.ci_low = scores.double_at(7);
    s.ci_high = scores.double_at(8);
    s.items = scores.int_at(9);
    s.version = scores.text_at(10);
    s.headline = scores.int_at(11) != 0;
    store.scores.push_back(std::move(s));
  }

  // The progress table came after layout 2 was fixed; a store without it has none to show.
  SqliteStatement has_progress(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'progress'");
  has_progress.step();
  if (has_progress.int_at(0) > 0) {
    SqliteStatement progress(db,
                             "SELECT run_id, task_hash, dataset, mode, done, total, updated_at FROM progress "
                             "ORDER BY run_id, rowid");
    while (progress.step()) {
      StoredProgress p;
      p.run_id = progress.int_at(0);
      p.task_hash = progress.text_at(1);
      p.dataset = progress.text_at(2);
      p.mode = progress.text_at(3);
      p.done = progress.int_at(4);
      p.total = progress.int_at(5);
      p.updated_at = progress.text_at(6);
      store.progress.push_back(std::move(p));
    }
  }
  read_contamination(db, store);
  db.exec("COMMIT");
  return store;
}

TaskSamples read_task_samples(const std::string& store_file, const std::string& task_hash, std::size_t limit) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(store_file, ec)) fail("{}: no result store here", store_file);
  const SqliteDatabase db(store_file, SqliteDatabase::Mode::ReadOnly);
  check_layout(db);
  TaskSamples task;
  SqliteStatement scores(db, "SELECT item_index, score FROM samples WHERE task_hash = ? ORDER BY item_index");
  scores.bind(1, task_hash);
  while (scores.step()) task.scores.push_back({scores.int_at(0), scores.double_at(1)});

  SqliteStatement samples(db,
                          "SELECT item_index, prompt, output, answer, reference, score, extracted, truncated, detail "
                          "FROM samples WHERE task_hash = ? ORDER BY item_index LIMIT ?");
  samples.bind(1, task_hash).bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  while (samples.step()) {
    StoredSample s;
    s.item_index = samples.int_at(0);
    s.prompt = samples.text_at(1);
    s.output = samples.text_at(2);
    s.answer = samples.text_at(3);
    s.reference = samples.text_at(4);
    s.score = samples.double_at(5);
    s.extracted = samples.int_at(6) != 0;
    s.truncated = samples.int_at(7) != 0;
    s.detail = samples.text_at(8);
    task.samples.push_back(std::move(s));
  }
  return task;
}

}  // namespace sextant::reports
