// Result stores built with SQLite directly, in the layout harness/store/store_layout.hpp
// defines, holding three models' runs across two work directories; the expected numbers the
// report tests check are worked out by hand beside the data.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "harness/store/store_layout.hpp"

namespace sextant::testing {

// A store being written, as `sextant eval` holds it open (WAL mode) while it runs.
class FixtureStore {
 public:
  explicit FixtureStore(const std::filesystem::path& work_dir, int layout_version = 2) {
    std::filesystem::create_directories(work_dir);
    const std::string path = (work_dir / "sextant.db").string();
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
    exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;");
    exec(harness::kStoreSchema);
    exec("PRAGMA user_version = " + std::to_string(layout_version));
  }
  ~FixtureStore() { sqlite3_close(db_); }
  FixtureStore(const FixtureStore&) = delete;
  FixtureStore& operator=(const FixtureStore&) = delete;

  void add_run(std::int64_t id, const std::string& started, const std::optional<std::string>& finished,
               const std::string& model, const std::string& identity, const std::string& command,
               const std::string& suite = "core") {
    Statement s(db_,
                "INSERT INTO runs (id, started_at, finished_at, model, model_path, model_identity, command, suite) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s.stmt, 1, id);
    bind_text(s.stmt, 2, started);
    if (finished) bind_text(s.stmt, 3, *finished);
    bind_text(s.stmt, 4, model);
    bind_text(s.stmt, 5, "models/" + model + ".gguf");
    bind_text(s.stmt, 6, identity);
    bind_text(s.stmt, 7, command);
    bind_text(s.stmt, 8, suite);
    s.done();
    Statement m(db_, "INSERT OR IGNORE INTO models (identity, name, path) VALUES (?, ?, ?)");
    bind_text(m.stmt, 1, identity);
    bind_text(m.stmt, 2, model);
    bind_text(m.stmt, 3, "models/" + model + ".gguf");
    m.done();
  }

  // A task's headline score with its analytic-looking interval, and the rates a task also stores.
  void add_task(std::int64_t run, const std::string& dataset, const std::string& mode, const std::string& dimension,
                const std::string& metric, double value, std::int64_t items, const std::string& version) {
    const std::string task = dataset + ":" + mode + ":" + std::to_string(run) + ":" + version;
    add_score(run, task, dataset, mode, dimension, metric, value, value - 0.05, value + 0.05, items, version, true);
    if (mode == "gen" || mode == "cot")
      add_score(run, task, dataset, mode, dimension, "extraction_rate", 0.95, 0.9, 1.0, items, version, false);
    add_score(run, task, dataset, mode, dimension, "truncation_rate", 0.0, 0.0, 0.0, items, version, false);
  }

  void add_score(std::int64_t run, const std::string& task, const std::string& dataset, const std::string& mode,
                 const std::string& dimension, const std::string& metric, double value, double ci_low, double ci_high,
                 std::int64_t items, const std::string& version, bool headline) {
    Statement s(db_,
                "INSERT OR REPLACE INTO scores (run_id, task_hash, dataset, mode, dimension, metric, value, ci_low, "
                "ci_high, items, version, headline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s.stmt, 1, run);
    bind_text(s.stmt, 2, task);
    bind_text(s.stmt, 3, dataset);
    bind_text(s.stmt, 4, mode);
    bind_text(s.stmt, 5, dimension);
    bind_text(s.stmt, 6, metric);
    sqlite3_bind_double(s.stmt, 7, value);
    sqlite3_bind_double(s.stmt, 8, ci_low);
    sqlite3_bind_double(s.stmt, 9, ci_high);
    sqlite3_bind_int64(s.stmt, 10, items);
    bind_text(s.stmt, 11, version);
    sqlite3_bind_int64(s.stmt, 12, headline ? 1 : 0);
    s.done();
  }

 private:
  struct Statement {
    Statement(sqlite3* db, const char* sql) {
      if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(stmt); }
    void done() {
      if (sqlite3_step(stmt) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(sqlite3_db_handle(stmt)));
    }
    sqlite3_stmt* stmt = nullptr;
  };

  static void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error(msg);
    }
  }

  sqlite3* db_ = nullptr;
};

// The awkward model name: a comma and a quote for CSV, a pipe for Markdown.
inline const std::string kOddModel = "odd, \"name\" | x";

// Two work directories, a/ and b/, under `root` (emptied first):
//
//   a/1  alpha  2024-05-02T09:00Z  the later alpha run: mmlu (circular) 0.60 and gsm8k 0.30 (version g2)
//   a/2  beta   2024-05-01T12:00Z  every dataset but commonsenseqa
//   b/1  alpha  2024-05-01T08:00Z  the first alpha run: every dataset but commonsenseqa
//   b/2  odd    2024-05-03T00:00Z  unfinished; ceval, triviaqa, commonsenseqa
//
// Hand-worked expectations (the latest run wins per dataset and mode; a dimension is the mean
// of its datasets, overall the mean of the dimensions present):
//   alpha: Exam (0.40 + 0.60) / 2 = 0.50, Language 0.30, Knowledge 0.20, Understanding 0.70,
//          Reasoning (0.30 + 0.50) / 2 = 0.40; overall 2.10 / 5 = 0.42
//   beta:  Exam (0.30 + 0.50) / 2 = 0.40, Language 0.60, Knowledge 0.10, Understanding 0.80,
//          Reasoning (0.20 + 0.40) / 2 = 0.30; overall 2.20 / 5 = 0.44
//   odd:   Exam 0.90, Knowledge 0.50, Reasoning 0.60; overall 2.00 / 3 = 0.6667
struct FixtureStores {
  std::filesystem::path a, b;
};

inline FixtureStores make_fixture_stores(const std::filesystem::path& root) {
  std::filesystem::remove_all(root);
  FixtureStores dirs{root / "a", root / "b"};
  {
    FixtureStore a(dirs.a);
    a.add_run(1, "2024-05-02T09:00:00Z", "2024-05-02T10:00:00Z", "alpha", "a1a1a1a1a1a1a1a1",
              "sextant eval --model alpha --datasets mmlu:few-shot,gsm8k:cot --circular", "");
    a.add_task(1, "mmlu", "few-shot", "Exam", "acc_circular", 0.60, 100, "m1");
    a.add_task(1, "gsm8k", "cot", "Reasoning", "exact_match", 0.30, 50, "g2");

    a.add_run(2, "2024-05-01T12:00:00Z", "2024-05-01T13:00:00Z", "beta", "b2b2b2b2b2b2b2b2",
              "sextant eval --model beta --chat on");
    a.add_task(2, "ceval", "few-shot", "Exam", "acc", 0.30, 100, "c1");
    a.add_task(2, "mmlu", "few-shot", "Exam", "acc", 0.50, 100, "m1");
    a.add_task(2, "wic", "zero-shot", "Language", "acc", 0.60, 80, "w1");
    a.add_task(2, "triviaqa", "gen", "Knowledge", "exact_match", 0.10, 60, "t1");
    a.add_task(2, "race", "zero-shot", "Understanding", "acc", 0.80, 90, "r2");
    a.add_task(2, "gsm8k", "cot", "Reasoning", "exact_match", 0.20, 50, "g1");
    a.add_task(2, "hellaswag", "zero-shot", "Reasoning", "acc_norm", 0.40, 70, "h1");
  }
  {
    FixtureStore b(dirs.b);
    b.add_run(1, "2024-05-01T08:00:00Z", "2024-05-01T09:00:00Z", "alpha", "a1a1a1a1a1a1a1a1",
              "sextant eval --model alpha");
    b.add_task(1, "ceval", "few-shot", "Exam", "acc", 0.40, 100, "c1");
    b.add_task(1, "mmlu", "few-shot", "Exam", "acc", 0.50, 100, "m1");
    b.add_task(1, "wic", "zero-shot", "Language", "acc", 0.30, 80, "w1");
    b.add_task(1, "triviaqa", "gen", "Knowledge", "exact_match", 0.20, 60, "t1");
    b.add_task(1, "race", "zero-shot", "Understanding", "acc", 0.70, 90, "r1");
    b.add_task(1, "gsm8k", "cot", "Reasoning", "exact_match", 0.10, 50, "g1");
    b.add_task(1, "hellaswag", "zero-shot", "Reasoning", "acc_norm", 0.50, 70, "h1");

    b.add_run(2, "2024-05-03T00:00:00Z", std::nullopt, kOddModel, "c3c3c3c3c3c3c3c3",
              "sextant eval --model 'odd, \"name\" | x'\n  --limit 5");
    b.add_task(2, "ceval", "few-shot", "Exam", "acc", 0.90, 5, "c1");
    b.add_task(2, "triviaqa", "gen", "Knowledge", "exact_match", 0.50, 5, "t1");
    b.add_task(2, "commonsenseqa", "zero-shot", "Reasoning", "acc", 0.60, 5, "q1");
  }
  return dirs;
}

}  // namespace sextant::testing
