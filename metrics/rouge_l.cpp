// ROUGE-L (longest common subsequence) as Google's rouge-score package computes it.
#include "metrics/rouge_l.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/error.hpp"
#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"

namespace sextant::metrics {

namespace {

bool is_token_char(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9'); }

std::size_t lcs_length(const std::vector<int>& a, const std::vector<int>& b) {
  // One row of the dynamic-programming table at a time: memory O(len(b)).
  std::vector<std::size_t> previous(b.size() + 1, 0), current(b.size() + 1, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], current[j - 1]);
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

RougeScore score_tokens(const std::vector<std::string>& prediction, const std::vector<std::string>& reference) {
  if (prediction.empty() || reference.empty()) return {};
  // Tokens as small integers, so the quadratic loop compares ints, not strings.
  std::unordered_map<std::string, int> ids;
  const auto to_ids = [&](const std::vector<std::string>& tokens) {
    std::vector<int> out;
    out.reserve(tokens.size());
    for (const auto& token : tokens) out.push_back(ids.emplace(token, static_cast<int>(ids.size())).first->second);
    return out;
  };
  const std::vector<int> p = to_ids(prediction), r = to_ids(reference);
  const double lcs = static_cast<double>(lcs_length(r, p));
  RougeScore score;
  score.precision = lcs / static_cast<double>(p.size());
  score.recall = lcs / static_cast<double>(r.size());
  if (score.precision + score.recall > 0) {
    score.fmeasure = 2 * score.precision * score.recall / (score.precision + score.recall);
  }
  return score;
}

}  // namespace

std::vector<std::string> rouge_tokenize(std::string_view text) {
  const std::u32string lowered = to_lower(decode_utf8(text));
  std::vector<std::string> tokens;
  std::string current;
  for (char32_t c : lowered) {
    if (is_token_char(c)) {
      current.push_back(static_cast<char>(c));
    } else if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

RougeScore rouge_l(std::string_view prediction, std::string_view reference) {
  return score_tokens(rouge_tokenize(prediction), rouge_tokenize(reference));
}

RougeScore rouge_l_max(std::string_view prediction, const std::vector<std::string>& references) {
  if (references.empty()) fail("ROUGE-L: the sample has no references");
  const auto predicted = rouge_tokenize(prediction);
  RougeScore best;
  bool first = true;
  for (const auto& reference : references) {
    const RougeScore score = score_tokens(predicted, rouge_tokenize(reference));
    if (first || score.fmeasure > best.fmeasure) best = score;
    first = false;
  }
  return best;
}

}  // namespace sextant::metrics
