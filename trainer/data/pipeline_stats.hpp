// What the data pipeline reports: documents, bytes and tokens into and out of each stage, per source and language.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sextant::trainer {

struct DocumentCounts {
  std::int64_t documents = 0;
  std::int64_t bytes = 0;
  std::int64_t tokens = 0;  // by the run's tokenizer, without the end-of-document token

  void add(std::int64_t doc_bytes, std::int64_t doc_tokens) {
    documents += 1;
    bytes += doc_bytes;
    tokens += doc_tokens;
  }
};

struct StageFlow {
  DocumentCounts in, out;
};

struct StageStats {
  std::string name;  // "language", "quality_rules", "quality_classifier", "exact_dedup", "near_dedup"
  bool enabled = true;
  StageFlow total;
  std::map<std::string, StageFlow> by_source;
  std::map<std::string, StageFlow> by_language;    // the language each document was tagged with
  std::map<std::string, std::int64_t> removed_by;  // reason (a rule's key, "not_allowed", ...) -> documents
  double seconds = 0;
};

struct ShardFile {
  std::string path;  // relative to the output folder
  std::int64_t tokens = 0;
};

struct SourceOutput {
  std::int64_t documents = 0;
  std::int64_t tokens = 0;  // in its shards: the documents' tokens and one end-of-document token each
  std::vector<ShardFile> shards;
};

struct PipelineStats {
  std::string config;
  std::vector<StageStats> stages;  // in the order they ran
  std::map<std::string, SourceOutput> sources;
  nlohmann::json language_model = nlohmann::json::object();      // where it came from, labels, training size
  nlohmann::json quality_classifier = nlohmann::json::object();  // training sizes, held-out accuracy and AUC
  nlohmann::json tokenizer = nlohmann::json::object();           // path, vocabulary size, trained or given
  double seconds = 0;

  // stats.json: every field above; flows as {"in": {documents, bytes, tokens}, "out": {...}}.
  nlohmann::json to_json() const;
  // The readable report: one row per stage, then per source and per language (documents and
  // tokens in -> out over the whole pipeline), and the documents each rule removed.
  std::string table() const;
};

}  // namespace sextant::trainer
