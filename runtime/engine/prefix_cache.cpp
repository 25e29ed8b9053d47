// Longest-common-prefix lookup over the stored sequences, least-recently-used eviction.
#include "runtime/engine/prefix_cache.hpp"

#include <algorithm>

namespace sextant::runtime {

PrefixCache::Hit PrefixCache::lookup(const std::vector<TokenId>& tokens) {
  auto best = entries_.end();
  std::int64_t best_len = 0;
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    const std::size_t limit = std::min(tokens.size(), it->tokens.size());
    std::size_t n = 0;
    while (n < limit && tokens[n] == it->tokens[n]) ++n;
    if (static_cast<std::int64_t>(n) > best_len) {
      best_len = static_cast<std::int64_t>(n);
      best = it;
    }
  }
  if (best == entries_.end()) return {};
  entries_.splice(entries_.begin(), entries_, best);
  return {entries_.front().cache, best_len};
}

void PrefixCache::insert(std::vector<TokenId> tokens, std::shared_ptr<const KvCache> cache) {
  // The footprint, not the own bytes: an entry built on an evicted base keeps that base alive.
  const std::size_t b = cache->footprint_bytes();
  if (b > budget_bytes_) return;
  entries_.push_front({std::move(tokens), std::move(cache), b});
  bytes_ += b;
  while (bytes_ > budget_bytes_ && !entries_.empty()) {
    bytes_ -= entries_.back().bytes;
    entries_.pop_back();
  }
}

}  // namespace sextant::runtime
