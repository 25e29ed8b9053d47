// ROUGE-L (longest common subsequence) as Google's rouge-score package computes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sextant::metrics {

struct RougeScore {
  double precision = 0.0;  // LCS / prediction tokens
  double recall = 0.0;     // LCS / reference tokens
  double fmeasure = 0.0;   // their harmonic mean, 0..1
};

// rouge-score's default tokenizer without stemming: str.lower(), then every run of
// characters other than ASCII a-z and 0-9 separates tokens (so non-ASCII letters are
// separators, as in the reference).
std::vector<std::string> rouge_tokenize(std::string_view text);

// RougeScorer(["rougeL"], use_stemmer=False).score(reference, prediction)["rougeL"]; note
// the reference package takes the target first. No tokens on either side gives zeros.
RougeScore rouge_l(std::string_view prediction, std::string_view reference);

// score_multi(): the reference with the best F-measure (the first on ties); no references
// is an error.
RougeScore rouge_l_max(std::string_view prediction, const std::vector<std::string>& references);

}  // namespace sextant::metrics
