// The BPE merge loop: word counts, pair counts updated merge by merge, and a max-heap of pairs.
#include "trainer/tokenizer/bpe_trainer.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <queue>

#include "core/error.hpp"
#include "runtime/tokenizer/byte_level_map.hpp"
#include "runtime/tokenizer/unicode.hpp"

namespace sextant::trainer {

namespace {

using runtime::TokenId;

constexpr int kMaxVocab = 1 << 24;  // as runtime/tokenizer/tokenizer_json.cpp accepts

// A pair of token ids as one key; comparing keys compares (left, right) lexicographically.
using PairKey = std::uint64_t;
PairKey pair_key(TokenId left, TokenId right) {
  return (static_cast<PairKey>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
}
TokenId left_of(PairKey k) { return static_cast<TokenId>(k >> 32); }
TokenId right_of(PairKey k) { return static_cast<TokenId>(k & 0xffffffffu); }

struct PairStats {
  std::int64_t count = 0;            // occurrences over all words, each word weighted by its count
  std::vector<std::uint32_t> words;  // words it appeared in; some may have lost it since
};

// A heap entry: the pair's count when pushed, stale once the count has changed.
struct Candidate {
  std::int64_t count;
  PairKey pair;
  // Max-heap order: the higher count, then the lower pair.
  bool operator<(const Candidate& o) const { return count != o.count ? count < o.count : pair > o.pair; }
};

// Replaces each (a, b) in `symbols`, left to right, by `merged` and reports the pairs whose
// counts change: the neighbours' pairs with a and b go, their pairs with `merged` come. The
// pair (a, b) itself is dropped by the caller. Matches Hugging Face's Word::merge, so that
// overlapping runs ("a a a" with a+a) merge and count alike.
template <typename Change>
void merge_word(std::vector<TokenId>& symbols, TokenId a, TokenId b, TokenId merged, Change&& change) {
  std::size_t out = 0;
  const std::size_t n = symbols.size();
  for (std::size_t i = 0; i < n;) {
    if (i + 1 < n && symbols[i] == a && symbols[i + 1] == b) {
      if (out > 0) {
        change(pair_key(symbols[out - 1], a), -1);
        change(pair_key(symbols[out - 1], merged), +1);
      }
      if (i + 2 < n) {
        change(pair_key(b, symbols[i + 2]), -1);
        change(pair_key(merged, symbols[i + 2]), +1);
      }
      symbols[out++] = merged;
      i += 2;
    } else {
      symbols[out++] = symbols[i++];
    }
  }
  symbols.resize(out);
}

// The 256 bytes ordered by the code point each maps to (UTF-8 sorts as code points do).
std::array<std::string, 256> mapped_bytes_in_order() {
  std::array<std::string, 256> mapped;
  for (int b = 0; b < 256; ++b)
    mapped[static_cast<std::size_t>(b)] = runtime::byte_level_encode(std::string(1, static_cast<char>(b)));
  std::sort(mapped.begin(), mapped.end());
  return mapped;
}

}  // namespace

BpeTrainer::BpeTrainer(BpeTrainerOptions options) : options_(std::move(options)) {
  const auto& specials = options_.special_tokens;
  const std::array<std::string, 256> bytes = mapped_bytes_in_order();
  for (std::size_t i = 0; i < specials.size(); ++i) {
    const std::string& s = specials[i];
    if (s.empty()) fail("BPE trainer options: special_tokens[{}] is empty", i);
    if (runtime::replace_invalid_utf8(s) != s) fail("BPE trainer options: special_tokens[{}] is not valid UTF-8", i);
    if (std::find(bytes.begin(), bytes.end(), s) != bytes.end())
      fail("BPE trainer options: special_tokens[{}] \"{}\" is also the text of a byte token", i, s);
    for (std::size_t j = 0; j < i; ++j)
      if (specials[j] == s) fail("BPE trainer options: special_tokens[{}] \"{}\" repeats special_tokens[{}]", i, s, j);
  }
  const std::int64_t floor = static_cast<std::int64_t>(specials.size()) + 256;
  if (options_.vocab_size < floor)
    fail("BPE trainer options: vocab_size {} is below the {} special tokens and 256 byte tokens ({})",
         options_.vocab_size, specials.size(), floor);
  if (options_.vocab_size > kMaxVocab)
    fail("BPE trainer options: vocab_size {} is over {}", options_.vocab_size, kMaxVocab);
  if (options_.min_frequency < 0) fail("BPE trainer options: min_frequency {} is negative", options_.min_frequency);
  specials_longest_first_ = specials;
  std::stable_sort(specials_longest_first_.begin(), specials_longest_first_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void BpeTrainer::add_document(std::string_view text) {
  ++documents_;
  bytes_ += static_cast<std::int64_t>(text.size());
  // Special tokens cut the text, longest first, as the runtime's encoder partitions it.
  std::vector<std::string_view> pieces{text}, next;
  for (const std::string& special : specials_longest_first_) {
    next.clear();
    for (std::string_view piece : pieces) {
      for (std::size_t hit = piece.find(special); hit != std::string_view::npos; hit = piece.find(special)) {
        if (hit > 0) next.push_back(piece.substr(0, hit));
        piece.remove_prefix(hit + special.size());
      }
      if (!piece.empty()) next.push_back(piece);
    }
    pieces.swap(next);
  }
  for (std::string_view piece : pieces) count_words(piece);
}

void BpeTrainer::count_words(std::string_view text) {
  const std::string clean = runtime::replace_invalid_utf8(text);
  for (std::string_view word : runtime::pre_tokenize(options_.pre_tokenizer, clean)) {
    if (auto it = word_counts_.find(word); it != word_counts_.end()) {
      ++it->second;
    } else {
      word_counts_.emplace(std::string(word), 1);
    }
  }
}

BpeVocabulary BpeTrainer::train() const {
  BpeVocabulary v;
  v.pre_tokenizer = options_.pre_tokenizer;
  std::unordered_map<std::string, TokenId> ids;  // token text -> id
  auto add_token = [&](const std::string& text) {
    auto [it, inserted] = ids.try_emplace(text, static_cast<TokenId>(v.tokens.size()));
    if (inserted) v.tokens.push_back(text);
    return it->second;
  };
  for (const std::string& s : options_.special_tokens) add_token(s);
  v.special_count = v.size();
  std::array<TokenId, 256> byte_id{};
  for (const std::string& mapped : mapped_bytes_in_order())
    byte_id[static_cast<unsigned char>(runtime::byte_level_decode(mapped)[0])] = add_token(mapped);

  // Words of one byte have no pairs and take no further part.
  std::vector<std::vector<TokenId>> words;
  std::vector<std::int64_t> counts;
  for (const auto& [text, count] : word_counts_) {
    if (text.size() < 2) continue;
    std::vector<TokenId>& symbols = words.emplace_back();
    symbols.reserve(text.size());
    for (char c : text) symbols.push_back(byte_id[static_cast<unsigned char>(c)]);
    counts.push_back(count);
  }

  std::unordered_map<PairKey, PairStats> pairs;
  for (std::uint32_t w = 0; w < words.size(); ++w) {
    const std::vector<TokenId>& s = words[w];
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      PairStats& stats = pairs[pair_key(s[i], s[i + 1])];
      stats.count += counts[w];
      if (stats.words.empty() || stats.words.back() != w) stats.words.push_back(w);
    }
  }
  std::vector<Candidate> initial;
  initial.reserve(pairs.size());
  for (const auto& [key, stats] : pairs) initial.push_back({stats.count, key});
  std::priority_queue<Candidate> heap(std::less<Candidate>(), std::move(initial));

  const std::int64_t min_count = std::max<std::int64_t>(1, options_.min_frequency);
  std::vector<std::uint32_t> visited(words.size(), 0);  // the merge (1-based) that last rewrote each word
  std::vector<PairKey> grown;
  while (v.size() < options_.vocab_size && !heap.empty()) {
    const Candidate top = heap.top();
    heap.pop();
    const auto it = pairs.find(top.pair);
    const std::int64_t count = it == pairs.end() ? 0 : it->second.count;
    if (count != top.count) {
      // Counts only fall between pushes (a rise pushes anew), so the stale entry re-enters lower.
      if (count > 0) heap.push({count, top.pair});
      continue;
    }
    if (count < min_count) break;

    const TokenId a = left_of(top.pair), b = right_of(top.pair);
    const TokenId merged = add_token(v.tokens[static_cast<std::size_t>(a)] + v.tokens[static_cast<std::size_t>(b)]);
    v.merges.push_back({a, b, merged});
    const auto merge_number = static_cast<std::uint32_t>(v.merges.size());

    const std::vector<std::uint32_t> where = std::move(it->second.words);
    grown.clear();
    for (std::uint32_t w : where) {
      if (visited[w] == merge_number) continue;
      visited[w] = merge_number;
      const std::int64_t weight = counts[w];
      merge_word(words[w], a, b, merged, [&](PairKey key, int delta) {
        const auto stats = pairs.try_emplace(key).first;
        stats->second.count += delta * weight;
        if (delta > 0) {
          if (stats->second.words.empty() || stats->second.words.back() != w) stats->second.words.push_back(w);
          grown.push_back(key);
        } else if (stats->second.count == 0 && key != top.pair) {
          pairs.erase(stats);  // in no word now (counts are exact); a later merge may form it anew
        }
      });
    }
    pairs.erase(top.pair);  // every occurrence is merged now
    std::sort(grown.begin(), grown.end());
    grown.erase(std::unique(grown.begin(), grown.end()), grown.end());
    for (PairKey key : grown)
      if (const auto stats = pairs.find(key); stats != pairs.end() && stats->second.count > 0)
        heap.push({stats->second.count, key});
  }
  return v;
}

}  // namespace sextant::trainer
