// Token-level F1 between answers (SQuAD v1.1 definition), against one or several references.
#include "metrics/token_f1.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/error.hpp"
#include "metrics/text_normalization.hpp"

namespace sextant::metrics {

namespace {

double f1_of_tokens(const std::vector<std::string>& predicted, const std::vector<std::string>& reference) {
  std::unordered_map<std::string, int> counts;
  for (const auto& token : reference) ++counts[token];
  int same = 0;
  for (const auto& token : predicted) {
    auto it = counts.find(token);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++same;
    }
  }
  if (same == 0) return 0.0;
  // The operations of the reference script, in its order, so results agree to the bit.
  const double precision = 1.0 * same / static_cast<double>(predicted.size());
  const double recall = 1.0 * same / static_cast<double>(reference.size());
  return (2 * precision * recall) / (precision + recall);
}

}  // namespace

double token_f1(std::string_view prediction, std::string_view reference) {
  return f1_of_tokens(split_whitespace(normalize_answer(prediction)), split_whitespace(normalize_answer(reference)));
}

double token_f1_max(std::string_view prediction, const std::vector<std::string>& references) {
  if (references.empty()) fail("token F1: the sample has no reference answers");
  const auto predicted = split_whitespace(normalize_answer(prediction));
  double best = 0.0;
  for (const auto& reference : references) {
    best = std::max(best, f1_of_tokens(predicted, split_whitespace(normalize_answer(reference))));
  }
  return best;
}

}  // namespace sextant::metrics
