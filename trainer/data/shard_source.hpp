// A training source read from the data pipeline's token shards: its tokens, its documents, and the held-out ones as
// text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tokenizer/tokenizer.hpp"
#include "trainer/pretrain/pretrain_config.hpp"

namespace sextant::trainer {

struct ShardSource {
  std::vector<std::int32_t> tokens;  // the training documents, each ended by the end-of-document token
  std::int64_t documents = 0;        // training documents
  std::string held_out_jsonl;        // {"text": ...} per held-out document, decoded by the tokenizer
  std::int64_t held_out_documents = 0;
};

// Reads the source's shards (globs relative to corpus_dir, in name order, as `sextant data
// prepare` numbers them) as one sequence of documents, each ended by end_of_document (a
// document may continue from one shard into the next). Every (1 / held_out)-th document, up to
// held_out_bytes of decoded text, is held out: byte-level BPE decodes it to the exact text it
// came from. Throws naming `config_path: tokenizer` when a shard was written for another
// vocabulary size than the tokenizer's, or when the tokenizer.json the pipeline wrote beside
// the shards folder is not the config's tokenizer.
ShardSource read_shard_source(const SourceConfig& source, const std::string& corpus_dir,
                              const runtime::Tokenizer& tokenizer, const std::string& tokenizer_path,
                              std::int32_t end_of_document, const std::string& config_path);

}  // namespace sextant::trainer
