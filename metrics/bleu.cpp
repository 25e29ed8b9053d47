// Corpus BLEU as sacrebleu's corpus_bleu computes it with its defaults.
#include "metrics/bleu.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "core/error.hpp"
#include "metrics/text_normalization.hpp"
#include "metrics/tokenizer_13a.hpp"

namespace sextant::metrics {

namespace {

// N-grams of all orders keyed by their tokens joined with spaces: tokens never contain
// whitespace, and the number of spaces tells the orders apart.
using NgramCounts = std::unordered_map<std::string, std::int64_t>;

std::vector<std::string> bleu_tokens(std::string_view segment) {
  return split_whitespace(tokenize_13a(strip_trailing_whitespace(segment)));
}

NgramCounts count_ngrams(const std::vector<std::string>& tokens) {
  NgramCounts counts;
  for (std::size_t start = 0; start < tokens.size(); ++start) {
    std::string key = tokens[start];
    ++counts[key];
    for (std::size_t n = 2; n <= kBleuMaxOrder && start + n <= tokens.size(); ++n) {
      key += ' ';
      key += tokens[start + n - 1];
      ++counts[key];
    }
  }
  return counts;
}

int order_of(const std::string& ngram) { return 1 + static_cast<int>(std::count(ngram.begin(), ngram.end(), ' ')); }

// sacrebleu's my_log: log, with log(0) replaced by a large negative number.
double floored_log(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

}  // namespace

BleuStatistics& BleuStatistics::operator+=(const BleuStatistics& other) {
  hypothesis_length += other.hypothesis_length;
  reference_length += other.reference_length;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    matches[n] += other.matches[n];
    totals[n] += other.totals[n];
  }
  return *this;
}

BleuStatistics bleu_statistics(std::string_view hypothesis, const std::vector<std::string>& references) {
  if (references.empty()) fail("BLEU: a segment has no references");
  NgramCounts reference_counts;
  std::vector<std::int64_t> reference_lengths;
  for (const auto& reference : references) {
    const auto tokens = bleu_tokens(reference);
    reference_lengths.push_back(static_cast<std::int64_t>(tokens.size()));
    for (const auto& [ngram, count] : count_ngrams(tokens)) {
      auto& best = reference_counts[ngram];
      best = std::max(best, count);
    }
  }
  const auto hypothesis_tokens = bleu_tokens(hypothesis);
  BleuStatistics stats;
  stats.hypothesis_length = static_cast<std::int64_t>(hypothesis_tokens.size());
  std::int64_t closest_diff = -1;
  for (std::int64_t length : reference_lengths) {
    const std::int64_t diff = std::llabs(stats.hypothesis_length - length);
    if (closest_diff == -1 || diff < closest_diff || (diff == closest_diff && length < stats.reference_length)) {
      closest_diff = diff;
      stats.reference_length = length;
    }
  }
  for (const auto& [ngram, count] : count_ngrams(hypothesis_tokens)) {
    const int n = order_of(ngram) - 1;
    stats.totals[n] += count;
    if (auto it = reference_counts.find(ngram); it != reference_counts.end())
      stats.matches[n] += std::min(count, it->second);
  }
  return stats;
}

BleuScore bleu_from_statistics(const BleuStatistics& stats) {
  BleuScore result;
  result.hypothesis_length = stats.hypothesis_length;
  result.reference_length = stats.reference_length;
  result.brevity_penalty = 1.0;
  if (stats.hypothesis_length < stats.reference_length) {
    result.brevity_penalty =
        stats.hypothesis_length > 0
            ? std::exp(1 - static_cast<double>(stats.reference_length) / static_cast<double>(stats.hypothesis_length))
            : 0.0;
  }
  if (std::all_of(stats.matches.begin(), stats.matches.end(), [](std::int64_t m) { return m == 0; })) return result;
  double smooth = 1.0;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    // An order without n-grams keeps precision 0, and with it the whole score.
    if (stats.totals[n] == 0) break;
    if (stats.matches[n] == 0) {
      smooth *= 2;
      result.precisions[n] = 100. / (smooth * static_cast<double>(stats.totals[n]));
    } else {
      result.precisions[n] = 100. * static_cast<double>(stats.matches[n]) / static_cast<double>(stats.totals[n]);
    }
  }
  // Summed left to right, as Python's sum() does, so the result matches to the last bit.
  double log_sum = 0.0;
  for (double p : result.precisions) log_sum += floored_log(p);
  result.score = result.brevity_penalty * std::exp(log_sum / kBleuMaxOrder);
  return result;
}

BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references) {
  if (hypotheses.size() != references.size()) {
    fail("BLEU: {} hypotheses but references for {} segments", hypotheses.size(), references.size());
  }
  if (hypotheses.empty()) fail("BLEU: no segments to score");
  BleuStatistics total;
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    if (references[i].empty()) fail("BLEU: segment {} has no references", i);
    total += bleu_statistics(hypotheses[i], references[i]);
  }
  return bleu_from_statistics(total);
}

}  // namespace sextant::metrics
