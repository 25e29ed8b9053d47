// Keys and values of token sequences computed before, found again by longest common prefix.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <vector>

#include "runtime/model/kv_cache.hpp"
#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::runtime {

class PrefixCache {
 public:
  explicit PrefixCache(std::size_t budget_bytes) : budget_bytes_(budget_bytes) {}

  struct Hit {
    std::shared_ptr<const KvCache> cache;
    std::int64_t length = 0;  // tokens of the query found in it
  };

  // The entry sharing the longest prefix with `tokens` (at most tokens.size() positions).
  Hit lookup(const std::vector<TokenId>& tokens);
  // Stores a computed sequence; evicts the least recently used entries over the budget.
  void insert(std::vector<TokenId> tokens, std::shared_ptr<const KvCache> cache);

  std::size_t bytes() const { return bytes_; }
  std::size_t entries() const { return entries_.size(); }
  void clear() {
    entries_.clear();
    bytes_ = 0;
  }

 private:
  struct Entry {
    std::vector<TokenId> tokens;
    std::shared_ptr<const KvCache> cache;
    std::size_t bytes;
  };
  std::size_t budget_bytes_;
  std::size_t bytes_ = 0;
  std::list<Entry> entries_;  // most recently used first
};

}  // namespace sextant::runtime
