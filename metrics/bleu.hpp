// Corpus BLEU as sacrebleu's corpus_bleu computes it with its defaults.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::metrics {

inline constexpr int kBleuMaxOrder = 4;

// The sufficient statistics of one segment or, summed, of a corpus. Keeping them lets a
// bootstrap resample segments and recompute corpus BLEU without re-tokenizing.
struct BleuStatistics {
  std::int64_t hypothesis_length = 0;
  std::int64_t reference_length = 0;  // the closest reference length (ties: the shorter)
  std::array<std::int64_t, kBleuMaxOrder> matches{};
  std::array<std::int64_t, kBleuMaxOrder> totals{};

  BleuStatistics& operator+=(const BleuStatistics& other);
};

struct BleuScore {
  double score = 0.0;                              // 0..100, as sacrebleu reports it
  std::array<double, kBleuMaxOrder> precisions{};  // 0..100, smoothed
  double brevity_penalty = 0.0;
  std::int64_t hypothesis_length = 0;
  std::int64_t reference_length = 0;
};

// One segment against its references, with sacrebleu's defaults: the 13a tokenizer after
// str.rstrip(), case kept, n-grams up to 4, n-gram counts clipped by the maximum count in
// any one reference. At least one reference is required; an empty string is a reference
// of length 0, as in sacrebleu.
BleuStatistics bleu_statistics(std::string_view hypothesis, const std::vector<std::string>& references);

// BLEU from (summed) statistics: brevity penalty, "exp" smoothing (an n-gram order with no
// match gets precision 1 / (2^k * total), k counting such orders so far), no effective
// order, so an order with no n-grams at all makes the score 0.
BleuScore bleu_from_statistics(const BleuStatistics& statistics);

// sacrebleu.corpus_bleu(hypotheses, ...) with default arguments. references[i] holds the
// references of hypotheses[i] (so segments may have different numbers of references,
// which sacrebleu expresses by None entries in its per-stream layout).
BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references);

}  // namespace sextant::metrics
