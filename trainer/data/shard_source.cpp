// Reading a training source from token shards: documents split at the end-of-document token, some held out as text.
#include "trainer/data/shard_source.hpp"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "trainer/data/source_documents.hpp"
#include "trainer/data/token_shard.hpp"

namespace sextant::trainer {
namespace fs = std::filesystem;

namespace {

std::string file_hash(const std::string& path) {
  ContentHash h;
  h.add_file(path);
  return h.hex();
}

}  // namespace

ShardSource read_shard_source(const SourceConfig& source, const std::string& corpus_dir,
                              const runtime::Tokenizer& tokenizer, const std::string& tokenizer_path,
                              std::int32_t end_of_document, const std::string& config_path) {
  // The whole source as one sequence: `data prepare` cuts a document across shards when a
  // shard is full.
  std::vector<std::int32_t> all;
  std::set<std::string> checked_tokenizers;
  const std::string tokenizer_hash = file_hash(tokenizer_path);
  for (const std::string& path : source_files(source, corpus_dir)) {
    const TokenShard shard(path);
    if (shard.vocab_size() != tokenizer.vocab_size())
      fail(
          "{}: tokenizer: {} has {} tokens, but shard {} (source {}) was written for a vocabulary of {}; give the "
          "tokenizer.json of the `sextant data prepare` run that wrote the shards",
          config_path, tokenizer_path, tokenizer.vocab_size(), path, source.name, shard.vocab_size());
    // The pipeline keeps its tokenizer beside the shards folder: a tokenizer of the same size
    // but other merges would train on ids that mean other text.
    const fs::path beside = fs::path(path).parent_path().parent_path() / "tokenizer.json";
    if (fs::is_regular_file(beside) && checked_tokenizers.insert(beside.string()).second &&
        file_hash(beside.string()) != tokenizer_hash)
      fail("{}: tokenizer: {} is not {}, the tokenizer the shards of source {} were written with", config_path,
           tokenizer_path, beside.string(), source.name);
    const std::vector<runtime::TokenId> ids = shard.tokens();
    all.insert(all.end(), ids.begin(), ids.end());
  }

  ShardSource out;
  out.tokens.reserve(all.size());
  const std::size_t every = source.held_out > 0.0 ? static_cast<std::size_t>(std::llround(1.0 / source.held_out)) : 0;
  std::int64_t held_bytes = 0;
  std::size_t index = 0;
  for (std::size_t begin = 0; begin < all.size(); ++index) {
    std::size_t end = begin;
    while (end < all.size() && all[end] != end_of_document) ++end;
    // [begin, end) is the document; a last one without its end token (not written by the
    // pipeline) still ends the source.
    bool held = false;
    if (every > 0 && index % every == every - 1) {
      const std::string text =
          tokenizer.decode(std::vector<runtime::TokenId>(all.begin() + static_cast<std::ptrdiff_t>(begin),
                                                         all.begin() + static_cast<std::ptrdiff_t>(end)),
                           false);
      if (held_bytes + static_cast<std::int64_t>(text.size()) <= source.held_out_bytes) {
        out.held_out_jsonl +=
            nlohmann::json({{"text", text}}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        held_bytes += static_cast<std::int64_t>(text.size());
        ++out.held_out_documents;
        held = true;
      }
    }
    if (!held) {
      out.tokens.insert(out.tokens.end(), all.begin() + static_cast<std::ptrdiff_t>(begin),
                        all.begin() + static_cast<std::ptrdiff_t>(end));
      out.tokens.push_back(end_of_document);
      ++out.documents;
    }
    begin = end + 1;
  }
  if (out.documents == 0) fail("sources.{}: no document is left for training", source.name);
  return out;
}

}  // namespace sextant::trainer
