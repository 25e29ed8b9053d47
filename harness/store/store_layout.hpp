// The result store's tables: what `sextant eval` writes and `sextant report` / `serve` read.
// Header only, so that reports/ shares the layout without depending on the harness's code.
#pragma once

namespace sextant::harness {

// Bump kStoreLayoutVersion when a table changes; an older store is refused with a clear
// message. A new table needs no bump: CREATE TABLE IF NOT EXISTS adds it to an older store,
// and the readers tolerate its absence (progress and the two contamination tables came that
// way). Bumping for them would make every layout-2 store unreadable to this sextant and
// every store this sextant opens unreadable to the sextants before it, for no gain.
inline constexpr int kStoreLayoutVersion = 2;

// Circular evaluation stores rotation r of row i under the item index i * kCircularItemStride
// + r (tasks whose mode ends in "+circular"); contamination is recorded per row.
inline constexpr int kCircularItemStride = 64;

inline constexpr const char* kStoreSchema = R"sql(
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
CREATE TABLE IF NOT EXISTS contamination_scans (
  dataset TEXT NOT NULL, shards TEXT NOT NULL, shards_path TEXT NOT NULL, mode TEXT NOT NULL, ngram INTEGER NOT NULL,
  min_overlap REAL NOT NULL, items INTEGER NOT NULL, contaminated INTEGER NOT NULL, scanned_at TEXT NOT NULL,
  PRIMARY KEY (dataset, shards));
CREATE TABLE IF NOT EXISTS contamination (
  dataset TEXT NOT NULL, shards TEXT NOT NULL, item_index INTEGER NOT NULL, ngrams INTEGER NOT NULL,
  matched INTEGER NOT NULL, overlap REAL NOT NULL, contaminated INTEGER NOT NULL,
  PRIMARY KEY (dataset, shards, item_index));
)sql";

// The store file in a work directory.
inline constexpr const char* kStoreFileName = "sextant.db";

}  // namespace sextant::harness
