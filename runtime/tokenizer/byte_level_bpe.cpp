// Byte-level BPE: a word's mapped characters merged pair by pair in merge-rank order.
#include <queue>

#include "runtime/tokenizer/byte_level_map.hpp"
#include "runtime/tokenizer/tokenizer.hpp"
#include "runtime/tokenizer/unicode.hpp"

namespace sextant::runtime {

namespace {

struct Symbol {
  int prev, next;
  std::size_t begin, length;  // bytes within the mapped word; length 0 once merged away
};

struct Bigram {
  int rank;
  int left;
  std::size_t size;  // combined length when queued, to detect stale entries
  bool operator<(const Bigram& o) const { return rank > o.rank || (rank == o.rank && left > o.left); }
};

}  // namespace

void Tokenizer::encode_byte_level_word(std::string_view word, std::vector<TokenId>& out) const {
  const std::string mapped = byte_level_encode(word);
  if (ignore_merges_) {
    if (TokenId id = find(mapped); id >= 0) {
      out.push_back(id);
      return;
    }
  }
  std::vector<Symbol> symbols;
  for (std::size_t i = 0; i < mapped.size();) {
    const std::size_t len = std::min<std::size_t>(utf8_sequence_length(static_cast<unsigned char>(mapped[i])), mapped.size() - i);
    const int index = static_cast<int>(symbols.size());
    symbols.push_back({index - 1, index + 1, i, len});
    i += len;
  }
  if (symbols.empty()) return;
  symbols.back().next = -1;

  std::priority_queue<Bigram> queue;
  std::string key;
  auto try_add = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const Symbol& a = symbols[static_cast<std::size_t>(left)];
    const Symbol& b = symbols[static_cast<std::size_t>(right)];
    key.assign(mapped, a.begin, a.length);
    key += ' ';
    key.append(mapped, b.begin, b.length);
    auto it = merge_ranks_.find(key);
    if (it != merge_ranks_.end()) queue.push({it->second, left, a.length + b.length});
  };
  for (int i = 0; i + 1 < static_cast<int>(symbols.size()); ++i) try_add(i, i + 1);

  while (!queue.empty()) {
    const Bigram top = queue.top();
    queue.pop();
    Symbol& left = symbols[static_cast<std::size_t>(top.left)];
    if (left.length == 0 || left.next < 0) continue;
    Symbol& right = symbols[static_cast<std::size_t>(left.next)];
    if (left.length + right.length != top.size) continue;  // one side changed since queued
    left.length += right.length;
    right.length = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = top.left;
    try_add(left.prev, top.left);
    try_add(top.left, left.next);
  }

  for (int i = 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) {
    const Symbol& s = symbols[static_cast<std::size_t>(i)];
    const std::string text = mapped.substr(s.begin, s.length);
    if (TokenId id = find(text); id >= 0) {
      out.push_back(id);
      continue;
    }
    // Not in the vocabulary: its single bytes that are tokens, the rest dropped, as
    // llama.cpp does (some vocabularies lack a few control bytes).
    for (char byte : text)
      if (TokenId id = find(std::string(1, byte)); id >= 0) out.push_back(id);
  }
}

}  // namespace sextant::runtime
