// Corpus chrF as sacrebleu's corpus_chrf computes it with its defaults.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::metrics {

inline constexpr int kChrfCharOrder = 6;
inline constexpr int kChrfBeta = 2;

// Per character n-gram order: hypothesis n-grams, reference n-grams, matches. Summed over
// segments they give the corpus score, and a bootstrap can resample them.
struct ChrfStatistics {
  struct Order {
    std::int64_t hypothesis = 0;
    std::int64_t reference = 0;
    std::int64_t matches = 0;
  };
  std::array<Order, kChrfCharOrder> orders{};

  ChrfStatistics& operator+=(const ChrfStatistics& other);
};

// One segment with sacrebleu's CHRF defaults (char order 6, word order 0, beta 2, case
// kept, whitespace removed before taking character n-grams of code points). As sacrebleu
// does, hypothesis n-grams of an order count only when the reference has n-grams of that
// order, and of several references the one with the best segment chrF is kept (the first
// on ties). At least one reference is required.
ChrfStatistics chrf_statistics(std::string_view hypothesis, const std::vector<std::string>& references);

// chrF (0..100) from (summed) statistics: precision and recall averaged over the orders
// where both sides have n-grams, then F-beta of the averages.
double chrf_from_statistics(const ChrfStatistics& statistics);

// sacrebleu.corpus_chrf(hypotheses, ...) with default arguments; references[i] holds the
// references of hypotheses[i].
double corpus_chrf(const std::vector<std::string>& hypotheses, const std::vector<std::vector<std::string>>& references);

}  // namespace sextant::metrics
