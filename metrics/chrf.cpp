// Corpus chrF as sacrebleu's corpus_chrf computes it with its defaults.
#include "metrics/chrf.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/error.hpp"
#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"

namespace sextant::metrics {

namespace {

using CharNgramCounts = std::array<std::unordered_map<std::u32string, std::int64_t>, kChrfCharOrder>;

CharNgramCounts count_char_ngrams(std::string_view text) {
  std::u32string chars;
  for (char32_t c : decode_utf8(text)) {
    if (!is_space(c)) chars.push_back(c);
  }
  CharNgramCounts counts;
  for (std::size_t n = 1; n <= kChrfCharOrder; ++n) {
    for (std::size_t i = 0; i + n <= chars.size(); ++i) ++counts[n - 1][chars.substr(i, n)];
  }
  return counts;
}

ChrfStatistics match_statistics(const CharNgramCounts& hypothesis, const CharNgramCounts& reference) {
  ChrfStatistics stats;
  for (int n = 0; n < kChrfCharOrder; ++n) {
    auto& order = stats.orders[n];
    std::int64_t hypothesis_count = 0;
    for (const auto& [ngram, count] : hypothesis[n]) {
      hypothesis_count += count;
      if (auto it = reference[n].find(ngram); it != reference[n].end()) order.matches += std::min(count, it->second);
    }
    for (const auto& [ngram, count] : reference[n]) order.reference += count;
    // sacrebleu counts no hypothesis n-grams for an order the reference lacks.
    order.hypothesis = reference[n].empty() ? 0 : hypothesis_count;
  }
  return stats;
}

}  // namespace

ChrfStatistics& ChrfStatistics::operator+=(const ChrfStatistics& other) {
  for (int n = 0; n < kChrfCharOrder; ++n) {
    orders[n].hypothesis += other.orders[n].hypothesis;
    orders[n].reference += other.orders[n].reference;
    orders[n].matches += other.orders[n].matches;
  }
  return *this;
}

ChrfStatistics chrf_statistics(std::string_view hypothesis, const std::vector<std::string>& references) {
  if (references.empty()) fail("chrF: a segment has no references");
  const auto hypothesis_ngrams = count_char_ngrams(hypothesis);
  ChrfStatistics best;
  double best_score = -1.0;
  for (const auto& reference : references) {
    const ChrfStatistics stats = match_statistics(hypothesis_ngrams, count_char_ngrams(reference));
    const double score = chrf_from_statistics(stats);
    if (score > best_score) {
      best_score = score;
      best = stats;
    }
  }
  return best;
}

double chrf_from_statistics(const ChrfStatistics& stats) {
  const double factor = kChrfBeta * kChrfBeta;
  double average_precision = 0.0, average_recall = 0.0;
  int effective_order = 0;
  for (const auto& order : stats.orders) {
    if (order.hypothesis > 0 && order.reference > 0) {
      average_precision += static_cast<double>(order.matches) / static_cast<double>(order.hypothesis);
      average_recall += static_cast<double>(order.matches) / static_cast<double>(order.reference);
      ++effective_order;
    }
  }
  if (effective_order == 0) return 0.0;
  average_precision /= effective_order;
  average_recall /= effective_order;
  if (average_precision + average_recall == 0.0) return 0.0;
  // The reference's operations in its order, so that results agree to the last bit.
  double score = (1 + factor) * average_precision * average_recall;
  score /= (factor * average_precision) + average_recall;
  return 100 * score;
}

double corpus_chrf(const std::vector<std::string>& hypotheses,
                   const std::vector<std::vector<std::string>>& references) {
  if (hypotheses.size() != references.size()) {
    fail("chrF: {} hypotheses but references for {} segments", hypotheses.size(), references.size());
  }
  if (hypotheses.empty()) fail("chrF: no segments to score");
  ChrfStatistics total;
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    if (references[i].empty()) fail("chrF: segment {} has no references", i);
    total += chrf_statistics(hypotheses[i], references[i]);
  }
  return chrf_from_statistics(total);
}

}  // namespace sextant::metrics
