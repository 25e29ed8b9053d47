// Read-only queries over a result store; the layout is harness/store/result_store.cpp's.
#include "reports/store_reader.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include "core/error.hpp"

namespace sextant::reports {

namespace {

// An open read-only database, closed when it goes out of scope.
class Database {
 public:
  explicit Database(const std::string& path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      fail("{}: cannot open the result store: {}", path, msg);
    }
    // A running `sextant eval` may hold a write lock for the length of a chunk.
    sqlite3_busy_timeout(db_, 10000);
  }
  ~Database() { sqlite3_close(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

// A prepared statement, finalized when it goes out of scope; errors name the store.
class Statement {
 public:
  Statement(const Database& db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db.handle(), sql, -1, &stmt_, nullptr) != SQLITE_OK)
      fail("{}: cannot read the result store: {}", db.path(), sqlite3_errmsg(db.handle()));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }

  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail("{}: cannot read the result store: {}", db_.path(), sqlite3_errmsg(db_.handle()));
    return false;
  }
  bool is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::int64_t int_at(int i) const { return sqlite3_column_int64(stmt_, i); }
  double double_at(int i) const { return sqlite3_column_double(stmt_, i); }
  std::string text_at(int i) const {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return t ? std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
  }

 private:
  const Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Fails unless the store has the layout this reader understands.
void check_layout(const Database& db) {
  Statement version(db, "PRAGMA user_version");
  version.step();
  const std::int64_t layout = version.int_at(0);
  if (layout != kStoreLayoutVersion)
    fail("{}: not a result store this sextant reads (store layout {}, expected {})", db.path(), layout,
         kStoreLayoutVersion);
}

}  // namespace

std::string store_path(const std::string& work_dir) {
  return (std::filesystem::path(work_dir) / "sextant.db").string();
}

StoreContents read_store(const std::string& work_dir) {
  StoreContents store;
  store.path = store_path(work_dir);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(store.path, ec))
    fail("{}: no result store here (`sextant eval --work-dir {}` writes one)", store.path, work_dir);
  const Database db(store.path);
  check_layout(db);
  // One read transaction: the tables as of one moment, though `sextant eval` writes on.
  Statement(db, "BEGIN").step();

  Statement runs(db,
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

  Statement models(db, "SELECT identity, name, path, step FROM models ORDER BY identity");
  while (models.step()) {
    StoredModel m;
    m.identity = models.text_at(0);
    m.name = models.text_at(1);
    m.path = models.text_at(2);
    if (!models.is_null(3)) m.step = models.int_at(3);
    store.models.push_back(std::move(m));
  }

  // INSERT OR REPLACE gives a rewritten score a new rowid, so rowid order puts it last.
  Statement scores(db,
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
  Statement has_progress(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'progress'");
  has_progress.step();
  if (has_progress.int_at(0) > 0) {
    Statement progress(db,
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
  Statement(db, "COMMIT").step();
  return store;
}

TaskSamples read_task_samples(const std::string& store_file, const std::string& task_hash, std::size_t limit) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(store_file, ec)) fail("{}: no result store here", store_file);
  const Database db(store_file);
  check_layout(db);
  TaskSamples task;
  Statement scores(db, "SELECT item_index, score FROM samples WHERE task_hash = ? ORDER BY item_index");
  scores.bind(1, task_hash);
  while (scores.step()) task.scores.push_back({scores.int_at(0), scores.double_at(1)});

  Statement samples(db,
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
