// SQLite-backed result store; every write is a transaction, so a killed run loses at most a chunk.
#include "harness/store/result_store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace sextant::harness {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
  model TEXT NOT NULL, model_identity TEXT NOT NULL, command TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
  hash TEXT PRIMARY KEY, dataset TEXT NOT NULL, dimension TEXT NOT NULL, model_identity TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS samples (
  task_hash TEXT NOT NULL REFERENCES tasks(hash), item_index INTEGER NOT NULL,
  gold INTEGER NOT NULL, picked TEXT NOT NULL, logprobs TEXT NOT NULL, tokens TEXT NOT NULL,
  PRIMARY KEY (task_hash, item_index));
CREATE TABLE IF NOT EXISTS scores (
  run_id INTEGER NOT NULL REFERENCES runs(id), task_hash TEXT NOT NULL, dataset TEXT NOT NULL,
  metric TEXT NOT NULL, value REAL NOT NULL, ci_low REAL NOT NULL, ci_high REAL NOT NULL, items INTEGER NOT NULL,
  version TEXT NOT NULL, PRIMARY KEY (run_id, task_hash, metric));
)sql";

std::string now_utc() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
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
  std::string text_at(int i) const { return reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i)); }

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
  exec(kSchema);
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

std::int64_t ResultStore::begin_run(const std::string& model, const std::string& model_identity, const std::string& command) {
  Statement s(db_, "INSERT INTO runs (started_at, model, model_identity, command) VALUES (?, ?, ?, ?)", path_);
  s.bind(1, now_utc()).bind(2, model).bind(3, model_identity).bind(4, command).step();
  return sqlite3_last_insert_rowid(db_);
}

void ResultStore::finish_run(std::int64_t run) {
  Statement s(db_, "UPDATE runs SET finished_at = ? WHERE id = ?", path_);
  s.bind(1, now_utc()).bind(2, run).step();
}

void ResultStore::register_task(const TaskKey& task) {
  Statement s(db_, "INSERT OR IGNORE INTO tasks (hash, dataset, dimension, model_identity) VALUES (?, ?, ?, ?)", path_);
  s.bind(1, task.hash).bind(2, task.dataset).bind(3, task.dimension).bind(4, task.model_identity).step();
}

std::vector<ItemOutcome> ResultStore::outcomes(const std::string& task_hash) {
  Statement s(db_, "SELECT item_index, gold, picked, logprobs, tokens FROM samples WHERE task_hash = ?", path_);
  s.bind(1, task_hash);
  std::vector<ItemOutcome> out;
  while (s.step()) {
    ItemOutcome o;
    o.index = s.int_at(0);
    o.gold = static_cast<int>(s.int_at(1));
    const auto picked = nlohmann::json::parse(s.text_at(2)).get<std::vector<int>>();
    if (picked.size() != o.picked.size()) fail("{}: sample {} of task {} is malformed", path_, o.index, task_hash);
    std::copy(picked.begin(), picked.end(), o.picked.begin());
    o.logprobs = nlohmann::json::parse(s.text_at(3)).get<std::vector<double>>();
    o.tokens = nlohmann::json::parse(s.text_at(4)).get<std::vector<int>>();
    out.push_back(std::move(o));
  }
  return out;
}

void ResultStore::add_outcomes(const std::string& task_hash, const std::vector<ItemOutcome>& outcomes) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_,
                "INSERT OR REPLACE INTO samples (task_hash, item_index, gold, picked, logprobs, tokens) VALUES (?, ?, ?, ?, ?, ?)",
                path_);
    for (const auto& o : outcomes) {
      // Log-probabilities as JSON doubles round-trip exactly (nlohmann writes 17 digits).
      s.bind(1, task_hash).bind(2, o.index).bind(3, static_cast<std::int64_t>(o.gold));
      s.bind(4, nlohmann::json(std::vector<int>(o.picked.begin(), o.picked.end())).dump());
      s.bind(5, nlohmann::json(o.logprobs).dump()).bind(6, nlohmann::json(o.tokens).dump());
      s.step();
      s.reset();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void ResultStore::add_score(std::int64_t run, const TaskKey& task, const std::string& metric, const Accuracy& a, std::int64_t n) {
  Statement s(db_,
              "INSERT OR REPLACE INTO scores (run_id, task_hash, dataset, metric, value, ci_low, ci_high, items, version) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              path_);
  s.bind(1, run).bind(2, task.hash).bind(3, task.dataset).bind(4, metric).bind(5, a.value).bind(6, a.ci_low);
  s.bind(7, a.ci_high).bind(8, n).bind(9, task.hash.substr(0, 6)).step();
}

}  // namespace sextant::harness
