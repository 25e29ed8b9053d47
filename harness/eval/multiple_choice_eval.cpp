// Scoring multiple-choice items through the engine, in chunks so progress can be shown.
#include "harness/eval/multiple_choice_eval.hpp"

#include <cmath>

#include "core/error.hpp"
#include "harness/eval/score_request.hpp"

namespace sextant::harness {

namespace {

constexpr std::size_t kItemsPerChunk = 32;

Accuracy accuracy(std::int64_t right, std::int64_t n) {
  Accuracy a;
  if (n == 0) return a;
  a.value = static_cast<double>(right) / static_cast<double>(n);
  const double se = std::sqrt(a.value * (1.0 - a.value) / static_cast<double>(n));
  a.ci_low = std::max(0.0, a.value - 1.96 * se);
  a.ci_high = std::min(1.0, a.value + 1.96 * se);
  return a;
}

std::size_t length_without_leading_space(const std::string& s) { return !s.empty() && s[0] == ' ' ? s.size() - 1 : s.size(); }

}  // namespace

MultipleChoiceResult evaluate_multiple_choice(runtime::Engine& engine, const std::vector<datasets::MultipleChoiceItem>& items,
                                              const Progress& progress) {
  const runtime::Tokenizer& tok = engine.model().tokenizer();
  const bool bos = tok.adds_bos();
  std::int64_t right[4] = {};
  for (std::size_t start = 0; start < items.size(); start += kItemsPerChunk) {
    const std::size_t end = std::min(items.size(), start + kItemsPerChunk);
    std::vector<runtime::ScoreRequest> requests;
    for (std::size_t i = start; i < end; ++i) {
      for (const std::string& choice : items[i].choices) {
        try {
          requests.push_back(make_score_request(tok, items[i].context, choice, bos));
        } catch (const Error& e) {
          fail("item {}: {}", items[i].id, e.what());
        }
      }
    }
    const auto scores = engine.score(requests);
    std::size_t k = 0;
    for (std::size_t i = start; i < end; ++i) {
      const auto& item = items[i];
      int best[4] = {-1, -1, -1, -1};
      double best_value[4] = {};
      for (std::size_t c = 0; c < item.choices.size(); ++c, ++k) {
        const double lp = scores[k].logprob;
        const double values[4] = {
            lp, lp / static_cast<double>(std::max<std::size_t>(1, item.choices[c].size())),
            lp / static_cast<double>(std::max<std::size_t>(1, length_without_leading_space(item.choices[c]))),
            lp / static_cast<double>(requests[k].continuation.size())};
        for (int m = 0; m < 4; ++m) {
          if (best[m] < 0 || values[m] > best_value[m]) {
            best[m] = static_cast<int>(c);
            best_value[m] = values[m];
          }
        }
      }
      for (int m = 0; m < 4; ++m) right[m] += best[m] == item.gold;
    }
    if (progress) progress(static_cast<std::int64_t>(end), static_cast<std::int64_t>(items.size()));
  }
  const auto n = static_cast<std::int64_t>(items.size());
  MultipleChoiceResult result;
  result.items = n;
  result.acc = accuracy(right[0], n);
  result.acc_norm = accuracy(right[1], n);
  result.acc_norm_nospace = accuracy(right[2], n);
  result.acc_token_mean = accuracy(right[3], n);
  return result;
}

}  // namespace sextant::harness
