// The distinct token n-grams of a folder of token shards, as sorted 64-bit hashes, to find benchmark text in them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::trainer {

inline constexpr int kDefaultContaminationNgram = 13;

// The hash of every window of n tokens of `tokens` that does not hold `separator` (the
// end-of-document token; pass -1 for none), in order. A window is hashed as a polynomial in
// the ids (rolled, so each window costs O(1)) and finalised with mix64; two different
// 13-grams share a hash with probability ~2^-64.
std::vector<std::uint64_t> ngram_hashes(std::span<const runtime::TokenId> tokens, int n, runtime::TokenId separator);

struct NgramOverlap {
  std::int64_t ngrams = 0;   // windows of n tokens in the text
  std::int64_t matched = 0;  // of them, in the index
  // matched / ngrams; 0 for a text shorter than n tokens.
  double fraction() const { return ngrams > 0 ? static_cast<double>(matched) / static_cast<double>(ngrams) : 0.0; }
};

// The distinct n-grams of a corpus as a sorted vector of hashes: 8 bytes per distinct n-gram,
// where an unordered_set<uint64_t> takes ~32-40 (node, bucket, allocator overhead), and the
// hashes are collected, sorted and deduplicated without a per-insert allocation. Lookups are
// binary searches (~log2 of the size), cheap next to tokenizing the benchmark item.
class NgramIndex {
 public:
  // Every shard (*.bin) in `shards_dir`, in name order; n-grams never cross the separator.
  // Throws sextant::Error naming the folder when it holds no shard, or a shard's file and
  // header field when one is malformed (TokenShard's checks).
  static NgramIndex from_shards(const std::string& shards_dir, int n, runtime::TokenId separator);
  // From token sequences held in memory (tests, small corpora).
  static NgramIndex from_tokens(const std::vector<std::vector<runtime::TokenId>>& documents, int n,
                                runtime::TokenId separator);

  int n() const { return n_; }
  std::size_t size() const { return hashes_.size(); }  // distinct n-grams
  std::uint64_t corpus_tokens() const { return tokens_; }
  std::size_t memory_bytes() const { return hashes_.capacity() * sizeof(std::uint64_t); }
  // What identifies the corpus and n: the shards' names, token counts and checksums (16 hex
  // digits); "" for an index built from memory.
  const std::string& fingerprint() const { return fingerprint_; }
  const std::vector<std::string>& shard_files() const { return files_; }

  bool contains(std::uint64_t hash) const;
  // How many of the text's n-grams (windows without the separator) are in the index.
  NgramOverlap overlap(std::span<const runtime::TokenId> tokens) const;

 private:
  void add(std::span<const runtime::TokenId> tokens);
  void seal();

  int n_ = kDefaultContaminationNgram;
  runtime::TokenId separator_ = -1;
  std::vector<std::uint64_t> hashes_;
  std::uint64_t tokens_ = 0;
  std::string fingerprint_;
  std::vector<std::string> files_;
};

}  // namespace sextant::trainer
