// Okapi BM25 scores of a query against a fixed set of texts, as rank_bm25.BM25Okapi computes them.
#include "datasets/bm25_index.hpp"

#include <cmath>

#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"

namespace sextant::datasets {

namespace {

// BERT's tokenization._is_chinese_char: the CJK Unified Ideographs blocks and extensions
// A-E, and the compatibility ideographs. Kana and Hangul are not in it and form words.
bool is_cjk_ideograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_ascii_alnum(char32_t c) {
  return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}

}  // namespace

std::vector<std::string> bm25_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::u32string word;
  const auto flush = [&] {
    if (!word.empty()) tokens.push_back(metrics::encode_utf8(word));
    word.clear();
  };
  for (char32_t c : metrics::decode_utf8(text)) {
    if (is_cjk_ideograph(c)) {
      flush();
      tokens.push_back(metrics::encode_utf8(std::u32string(1, c)));
    } else if (c < 0x80) {
      if (is_ascii_alnum(c)) {
        word.push_back(c >= U'A' && c <= U'Z' ? c + 32 : c);
      } else {
        flush();
      }
    } else if (metrics::is_word_char(c)) {  // beyond ASCII, \w is exactly str.isalnum()
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

Bm25Index::Bm25Index(const std::vector<std::string>& texts) {
  std::size_t total_length = 0;
  std::vector<std::uint32_t> counts;  // by term id, for the current text
  std::vector<std::uint32_t> seen;    // term ids of the current text, first appearance first
  for (std::uint32_t t = 0; t < texts.size(); ++t) {
    const auto tokens = bm25_tokens(texts[t]);
    lengths_.push_back(tokens.size());
    total_length += tokens.size();
    seen.clear();
    for (const auto& token : tokens) {
      const auto [it, added] = term_ids_.try_emplace(token, static_cast<std::uint32_t>(postings_.size()));
      if (added) {
        postings_.emplace_back();
        counts.push_back(0);
      }
      if (counts[it->second]++ == 0) seen.push_back(it->second);
    }
    for (std::uint32_t id : seen) {
      postings_[id].push_back({t, counts[id]});
      counts[id] = 0;
    }
  }
  if (total_length == 0) return;
  average_length_ = static_cast<double>(total_length) / static_cast<double>(texts.size());

  const double n = static_cast<double>(texts.size());
  double idf_sum = 0;
  idf_.resize(postings_.size());
  for (std::size_t id = 0; id < postings_.size(); ++id) {
    const double df = static_cast<double>(postings_[id].size());
    idf_[id] = std::log(n - df + 0.5) - std::log(df + 0.5);
    idf_sum += idf_[id];
  }
  const double floor = kEpsilon * (idf_sum / static_cast<double>(idf_.size()));
  for (double& idf : idf_) {
    if (idf < 0) idf = floor;
  }
}

std::vector<double> Bm25Index::scores(std::string_view query) const {
  std::vector<double> scores(lengths_.size(), 0.0);
  if (average_length_ == 0) return scores;
  for (const auto& token : bm25_tokens(query)) {
    const auto it = term_ids_.find(token);
    if (it == term_ids_.end()) continue;
    const double idf = idf_[it->second];
    // Texts without the term add idf * 0 upstream, which changes no sum.
    for (const Posting& posting : postings_[it->second]) {
      const double tf = posting.count;
      const double length = static_cast<double>(lengths_[posting.text]);
      const double norm = (1 - kB) + kB * length / average_length_;
      scores[posting.text] += idf * (tf * (kK1 + 1) / (tf + kK1 * norm));
    }
  }
  return scores;
}

}  // namespace sextant::datasets
