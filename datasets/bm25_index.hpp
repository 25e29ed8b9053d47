// Okapi BM25 scores of a query against a fixed set of texts, as rank_bm25.BM25Okapi computes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sextant::datasets {

// The words BM25 counts: runs of ASCII letters and digits (lower-cased) and of other code
// points that Python's str.isalnum() accepts (kept as they are, so "É" and "é" differ);
// every CJK ideograph (BERT's _is_chinese_char ranges) is a token of its own, since Chinese
// (C-Eval) writes no spaces; everything else separates. Bytes are read as UTF-8 with
// Python's "replace" handling.
std::vector<std::string> bm25_tokens(std::string_view text);

class Bm25Index {
 public:
  // rank_bm25's defaults; epsilon floors a negative idf (a term in more than half of the
  // texts) at epsilon times the mean idf.
  static constexpr double kK1 = 1.5;
  static constexpr double kB = 0.75;
  static constexpr double kEpsilon = 0.25;

  explicit Bm25Index(const std::vector<std::string>& texts);

  // One score per text, in their order: BM25Okapi.get_scores(bm25_tokens(query)), summed in
  // the same order so that the doubles agree. A repeated query token counts each time, as
  // upstream. With no tokens in any text (where rank_bm25 divides by zero) all are 0.
  std::vector<double> scores(std::string_view query) const;

  std::size_t size() const { return lengths_.size(); }

 private:
  struct Posting {
    std::uint32_t text;
    std::uint32_t count;
  };

  // Term ids follow the first appearance in the texts, which is the order rank_bm25's dict
  // sums the idfs in.
  std::unordered_map<std::string, std::uint32_t> term_ids_;
  std::vector<double> idf_;                     // by term id
  std::vector<std::vector<Posting>> postings_;  // by term id, texts ascending
  std::vector<std::size_t> lengths_;            // tokens per text
  double average_length_ = 0;
};

}  // namespace sextant::datasets
