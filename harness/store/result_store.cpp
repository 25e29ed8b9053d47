// SQLite-backed result store; every write is a transaction, so a killed run loses at most a chunk.
#include "harness/store/result_store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace sextant::harness {

namespace {

// Bump kLayoutVersion when a table changes; an older store is refused with a clear message.
// A new table needs no bump: CREATE TABLE IF NOT EXISTS adds it to an older store, and the
// readers (reports/store_reader.cpp) tolerate its absence.
constexpr int kLayoutVersion = 2;
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
  model TEXT NOT NULL, model_path TEXT NOT NULL, model_identity TEXT NOT NULL, command TEXT NOT NULL, suite TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS models (
  identity TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, step INTEGER);
CREATE TABLE IF NOT EXISTS tasks (
  hash TEXT PRIMARY KEY, dataset TEXT NOT NULL, mode TEXT NOT NULL, dimension TEXT NOT NULL,
  model_identity TEXT NOT NULL, version TEXT NOT NULL, metric TEXT NOT NULL, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS samples (
  task_hash TEXT NOT NULL REFERENCES tasks(hash), item_index INTEGER NOT NULL,
  prompt_hash TEXT NOT NULL, prompt TEXT NOT NULL, output TEXT NOT NULL, answer TEXT NOT NULL,
  reference TEXT NOT NULL, score REAL NOT NULL, extracted INTEGER NOT NULL, truncated INTEGER NOT NULL,
  detail TEXT NOT NULL, PRIMARY KEY (task_hash, item_index));
CREATE TABLE IF NOT EXISTS scores (
  run_id INTEGER NOT NULL REFERENCES runs(id), task_hash TEXT NOT NULL, dataset TEXT NOT NULL, mode TEXT NOT NULL,
  dimension TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, ci_low REAL NOT NULL, ci_high REAL NOT NULL,
  items INTEGER NOT NULL, version TEXT NOT NULL, headline INTEGER NOT NULL, PRIMARY KEY (run_id, task_hash, metric));
CREATE TABLE IF NOT EXISTS progress (
  run_id INTEGER NOT NULL REFERENCES runs(id), task_hash TEXT NOT NULL, dataset TEXT NOT NULL, mode TEXT NOT NULL,
  done INTEGER NOT NULL, total INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (run_id, task_hash));
)sql";

std::string now_utc() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// With milliseconds, so that a reader can tell the rate of progress from two rows.
std::string now_utc_ms() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", buf, ms);
}

// A prepared statement, finalized when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& path) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("{}: {}", path, sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail("{}: {}", path_, sqlite3_errmsg(db_));
    return false;
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t int_at(int i) const { return sqlite3_column_int64(stmt_, i); }
  double double_at(int i) const { return sqlite3_column_double(stmt_, i); }
  std::string text_at(int i) const {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return t ? std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string path_;
};

}  // namespace

ResultStore::ResultStore(const std::string& work_dir) {
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) fail("{}: cannot create the work directory: {}", work_dir, ec.message());
  path_ = (std::filesystem::path(work_dir) / "sextant.db").string();
  if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    fail("{}: cannot open the result store: {}", path_, msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  Statement version(db_, "PRAGMA user_version", path_);
  version.step();
  const std::int64_t found = version.int_at(0);
  Statement tables(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", path_);
  tables.step();
  if (tables.int_at(0) > 0 && found != kLayoutVersion)
    fail("{}: written by another version of sextant (store layout {}, this one reads {}); use another --work-dir",
         path_, found, kLayoutVersion);
  exec(kSchema);
  exec("PRAGMA user_version = " + std::to_string(kLayoutVersion));
}

ResultStore::~ResultStore() { sqlite3_close(db_); }

void ResultStore::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    fail("{}: {}", path_, msg);
  }
}

std::int64_t ResultStore::begin_run(const RunInfo& run) {
  std::lock_guard lock(mutex_);
  Statement s(
      db_, "INSERT INTO runs (started_at, model, model_path, model_identity, command, suite) VALUES (?, ?, ?, ?, ?, ?)",
      path_);
  s.bind(1, now_utc())
      .bind(2, run.model_name)
      .bind(3, run.model_path)
      .bind(4, run.model_identity)
      .bind(5, run.command)
      .bind(6, run.suite);
  s.step();
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  Statement m(db_, "INSERT OR IGNORE INTO models (identity, name, path) VALUES (?, ?, ?)", path_);
  m.bind(1, run.model_identity).bind(2, run.model_name).bind(3, run.model_path).step();
  return id;
}

void ResultStore::finish_run(std::int64_t run) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "UPDATE runs SET finished_at = ? WHERE id = ?", path_);
  s.bind(1, now_utc()).bind(2, run).step();
}

void ResultStore::register_task(const TaskKey& task, const std::string& config_json) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "INSERT OR IGNORE INTO tasks (hash, dataset, mode, dimension, model_identity, version, metric, config) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              path_);
  s.bind(1, task.hash).bind(2, task.dataset).bind(3, task.mode).bind(4, task.dimension).bind(5, task.model_identity);
  s.bind(6, task.version).bind(7, task.metric).bind(8, config_json).step();
}

std::vector<SampleOutcome> ResultStore::outcomes(const std::string& task_hash) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT item_index, prompt_hash, prompt, output, answer, reference, score, extracted, truncated, detail "
              "FROM samples WHERE task_hash = ?",
              path_);
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
      fail("{}: sample {} of task {} is malformed", path_, o.index, task_hash);
    }
    out.push_back(std::move(o));
  }
  return out;
}

void ResultStore::add_outcomes(const std::string& task_hash, const std::vector<SampleOutcome>& outcomes) {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(
        db_,
        "INSERT OR REPLACE INTO samples (task_hash, item_index, prompt_hash, prompt, output, answer, reference, score, "
        "extracted, truncated, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        path_);
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
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void ResultStore::set_scores(std::int64_t run, const TaskKey& task, const std::vector<MetricScore>& scores) {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_,
                "INSERT OR REPLACE INTO scores (run_id, task_hash, dataset, mode, dimension, metric, value, ci_low, "
                "ci_high, items, "
                "version, headline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                path_);
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
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

// An update in place keeps the row's rowid, so rowid order stays the order the tasks started.
void ResultStore::set_progress(std::int64_t run, const TaskKey& task, std::int64_t done, std::int64_t total) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "INSERT INTO progress (run_id, task_hash, dataset, mode, done, total, updated_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, task_hash) DO UPDATE SET "
              "done = excluded.done, total = excluded.total, updated_at = excluded.updated_at",
              path_);
  s.bind(1, run).bind(2, task.hash).bind(3, task.dataset).bind(4, task.mode).bind(5, done).bind(6, total);
  s.bind(7, now_utc_ms()).step();
}

}  // namespace sextant::harness
