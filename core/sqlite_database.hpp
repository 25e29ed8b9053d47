// An SQLite connection and its prepared statements, closed when they go out of scope, with
// errors that name the database file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace sextant {

class SqliteDatabase {
 public:
  enum class Mode { ReadOnly, ReadWriteCreate };
  // Waits up to 10 s for another connection's write lock (a running eval holds one per chunk).
  SqliteDatabase(std::string path, Mode mode);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  void exec(const std::string& sql);
  std::int64_t last_insert_rowid() const;
  // Runs `body` between BEGIN IMMEDIATE and COMMIT: all of its writes or none.
  void transaction(const std::function<void()>& body);

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

class SqliteStatement {
 public:
  SqliteStatement(const SqliteDatabase& db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int i, const std::string& v);
  SqliteStatement& bind(int i, std::int64_t v);
  SqliteStatement& bind(int i, double v);
  // True while there is a row to read.
  bool step();
  // Ready to run again with new bindings.
  void reset();
  bool is_null(int i) const;
  std::int64_t int_at(int i) const;
  double double_at(int i) const;
  std::string text_at(int i) const;

 private:
  const SqliteDatabase& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace sextant
