// SQLite-backed result store; every write is a transaction, so a killed run loses at most a chunk.
#include "harness/store/result_store.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/utc_time.hpp"
#include "harness/store/store_layout.hpp"

namespace sextant::harness {

namespace {

// The store file of a work directory, which is created when missing.
std::string store_file(const std::string& work_dir) {
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) fail("{}: cannot create the work directory: {}", work_dir, ec.message());
  return (std::filesystem::path(work_dir) / kStoreFileName).string();
}

}  // namespace

ResultStore::ResultStore(const std::string& work_dir)
    : db_(store_file(work_dir), SqliteDatabase::Mode::ReadWriteCreate) {
  db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  SqliteStatement version(db_, "PRAGMA user_version");
  version.step();
  const std::int64_t found = version.int_at(0);
  SqliteStatement tables(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
  tables.step();
  if (tables.int_at(0) > 0 && found != kStoreLayoutVersion)
    fail("{}: written by another version of sextant (store layout {}, this one reads {}); use another --work-dir",
         path(), found, kStoreLayoutVersion);
  db_.exec(kStoreSchema);
  db_.exec("PRAGMA user_version = " + std::to_string(kStoreLayoutVersion));
}

std::int64_t ResultStore::begin_run(const RunInfo& run, std::optional<std::int64_t> step) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(
      db_,
      "INSERT INTO runs (started_at, model, model_path, model_identity, command, suite) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, utc_timestamp())
      .bind(2, run.model_name)
      .bind(3, run.model_path)
      .bind(4, run.model_identity)
      .bind(5, run.command)
      .bind(6, run.suite);
  s.step();
  const std::int64_t id = db_.last_insert_rowid();
  SqliteStatement m(db_, "INSERT OR IGNORE INTO models (identity, name, path, step) VALUES (?, ?, ?, ?)");
  m.bind(1, run.model_identity).bind(2, run.model_name).bind(3, run.model_path);
  if (step) m.bind(4, *step);  // unbound: NULL, not a checkpoint
  m.step();
  return id;
}

void ResultStore::finish_run(std::int64_t run) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "UPDATE runs SET finished_at = ? WHERE id = ?");
  s.bind(1, utc_timestamp()).bind(2, run).step();
}

bool ResultStore::has_finished_run(const std::string& model_identity, const std::string& suite) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT 1 FROM runs WHERE model_identity = ? AND suite = ? AND finished_at IS NOT NULL LIMIT 1");
  s.bind(1, model_identity).bind(2, suite);
  return s.step();
}

void ResultStore::register_task(const TaskKey& task, const std::string& config_json) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(
      db_,
      "INSERT OR IGNORE INTO tasks (hash, dataset, mode, dimension, model_identity, version, metric, config) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, task.hash).bind(2, task.dataset).bind(3, task.mode).bind(4, task.dimension).bind(5, task.model_identity);
  s.bind(6, task.version).bind(7, task.metric).bind(8, config_json).step();
}

std::vector<SampleOutcome> ResultStore::outcomes(const std::string& task_hash) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(
      db_,
      "SELECT item_index, prompt_hash, prompt, output, answer, reference, score, extracted, truncated, detail "
      "FROM samples WHERE task_hash = ?");
  s.bind(1, task_hash);
  std::vector<SampleOutcome> out;
  while (s.step()) {
    SampleOutcome o;
    o.index = s.int_at(0);
    o.prompt_hash = s.text_at(1);
    o.prompt = s.text_at(2);
    o.output = s.text_at(3);
    o.answer = s.text_at(4);
    o.reference = s.text_at(5);
    o.score = s.double_at(6);
    o.extracted = s.int_at(7) != 0;
    o.truncated = s.int_at(8) != 0;
    try {
      o.detail = nlohmann::json::parse(s.text_at(9));
    } catch (const nlohmann::json::exception&) {
      fail("{}: sample {} of task {} is malformed", path(), o.index, task_hash);
    }
    out.push_back(std::move(o));
  }
  return out;
}

void ResultStore::add_outcomes(const std::string& task_hash, const std::vector<SampleOutcome>& outcomes) {
  std::lock_guard lock(mutex_);
  db_.transaction([&] {
    SqliteStatement s(
        db_,
        "INSERT OR REPLACE INTO samples (task_hash, item_index, prompt_hash, prompt, output, answer, reference, score, "
        "extracted, truncated, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& o : outcomes) {
      // Log-probabilities as JSON doubles round-trip exactly (nlohmann writes 17 digits).
      s.bind(1, task_hash)
          .bind(2, o.index)
          .bind(3, o.prompt_hash)
          .bind(4, o.prompt)
          .bind(5, o.output)
          .bind(6, o.answer);
      s.bind(7, o.reference).bind(8, o.score).bind(9, static_cast<std::int64_t>(o.extracted));
      s.bind(10, static_cast<std::int64_t>(o.truncated))
          .bind(11, o.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      s.step();
      s.reset();
    }
  });
}

void ResultStore::set_scores(std::int64_t run, const TaskKey& task, const std::vector<MetricScore>& scores) {
  std::lock_guard lock(mutex_);
  db_.transaction([&] {
    SqliteStatement s(
        db_,
        "INSERT OR REPLACE INTO scores (run_id, task_hash, dataset, mode, dimension, metric, value, ci_low, "
        "ci_high, items, "
        "version, headline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& m : scores) {
      s.bind(1, run)
          .bind(2, task.hash)
          .bind(3, task.dataset)
          .bind(4, task.mode)
          .bind(5, task.dimension)
          .bind(6, m.metric);
      s.bind(7, m.value).bind(8, m.ci_low).bind(9, m.ci_high).bind(10, m.samples).bind(11, task.version);
      s.bind(12, static_cast<std::int64_t>(m.metric == task.metric));
      s.step();
      s.reset();
    }
  });
}

// An update in place keeps the row's rowid, so rowid order stays the order the tasks started.
void ResultStore::set_progress(std::int64_t run, const TaskKey& task, std::int64_t done, std::int64_t total) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "INSERT INTO progress (run_id, task_hash, dataset, mode, done, total, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, task_hash) DO UPDATE SET "
                    "done = excluded.done, total = excluded.total, updated_at = excluded.updated_at");
  s.bind(1, run).bind(2, task.hash).bind(3, task.dataset).bind(4, task.mode).bind(5, done).bind(6, total);
  s.bind(7, utc_timestamp(true)).step();
}

// INSERT OR REPLACE gives the scan a new rowid: the highest rowid of a dataset is its latest scan.
void ResultStore::set_contamination(const DatasetContamination& scan) {
  std::lock_guard lock(mutex_);
  db_.transaction([&] {
    SqliteStatement clear(db_, "DELETE FROM contamination WHERE dataset = ? AND shards = ?");
    clear.bind(1, scan.dataset).bind(2, scan.shards).step();
    SqliteStatement s(db_,
                      "INSERT OR REPLACE INTO contamination_scans (dataset, shards, shards_path, mode, ngram, "
                      "min_overlap, items, contaminated, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, scan.dataset).bind(2, scan.shards).bind(3, scan.shards_path).bind(4, scan.mode);
    s.bind(5, static_cast<std::int64_t>(scan.rule.ngram)).bind(6, scan.rule.min_overlap);
    s.bind(7, static_cast<std::int64_t>(scan.items.size())).bind(8, scan.contaminated()).bind(9, utc_timestamp());
    s.step();
    SqliteStatement item(db_,
                         "INSERT INTO contamination (dataset, shards, item_index, ngrams, matched, overlap, "
                         "contaminated) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const ItemContamination& i : scan.items) {
      item.bind(1, scan.dataset).bind(2, scan.shards).bind(3, i.item_index).bind(4, i.ngrams).bind(5, i.matched);
      item.bind(6, i.overlap).bind(7, static_cast<std::int64_t>(i.contaminated)).step();
      item.reset();
    }
  });
}

}  // namespace sextant::harness
