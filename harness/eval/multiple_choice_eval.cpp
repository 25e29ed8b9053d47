// Scoring multiple-choice items through the engine, and the accuracies over their outcomes.
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

void score_items(runtime::Engine& engine, const std::vector<datasets::MultipleChoiceItem>& items,
                 const std::vector<std::int64_t>& indexes, const std::function<void(const std::vector<ItemOutcome>&)>& on_chunk) {
  const runtime::Tokenizer& tok = engine.model().tokenizer();
  const bool bos = tok.adds_bos();
  for (std::size_t start = 0; start < indexes.size(); start += kItemsPerChunk) {
    const std::size_t end = std::min(indexes.size(), start + kItemsPerChunk);
    std::vector<runtime::ScoreRequest> requests;
    for (std::size_t k = start; k < end; ++k) {
      const auto& item = items[static_cast<std::size_t>(indexes[k])];
      for (const std::string& choice : item.choices) {
        try {
          requests.push_back(make_score_request(tok, item.context, choice, bos));
        } catch (const Error& e) {
          fail("item {}: {}", item.id, e.what());
        }
      }
    }
    const auto scores = engine.score(requests);
    std::vector<ItemOutcome> outcomes;
    std::size_t r = 0;
    for (std::size_t k = start; k < end; ++k) {
      const auto& item = items[static_cast<std::size_t>(indexes[k])];
      ItemOutcome o;
      o.index = indexes[k];
      o.gold = item.gold;
      std::array<double, kNormalisations> best{};
      o.picked.fill(-1);
      for (std::size_t c = 0; c < item.choices.size(); ++c, ++r) {
        const double lp = scores[r].logprob;
        const int n_tokens = static_cast<int>(requests[r].continuation.size());
        o.logprobs.push_back(lp);
        o.tokens.push_back(n_tokens);
        const std::array<double, kNormalisations> values{
            lp, lp / static_cast<double>(std::max<std::size_t>(1, item.choices[c].size())),
            lp / static_cast<double>(std::max<std::size_t>(1, length_without_leading_space(item.choices[c]))),
            lp / static_cast<double>(n_tokens)};
        for (int m = 0; m < kNormalisations; ++m) {
          if (o.picked[m] < 0 || values[m] > best[m]) {
            o.picked[m] = static_cast<int>(c);
            best[m] = values[m];
          }
        }
      }
      outcomes.push_back(std::move(o));
    }
    on_chunk(outcomes);
  }
}

MultipleChoiceResult aggregate(const std::vector<ItemOutcome>& outcomes) {
  std::array<std::int64_t, kNormalisations> right{};
  for (const auto& o : outcomes)
    for (int m = 0; m < kNormalisations; ++m) right[m] += o.picked[m] == o.gold;
  const auto n = static_cast<std::int64_t>(outcomes.size());
  MultipleChoiceResult result;
  result.items = n;
  result.acc = accuracy(right[kRawSum], n);
  result.acc_norm = accuracy(right[kPerChar], n);
  result.acc_norm_nospace = accuracy(right[kPerCharNoSpace], n);
  result.acc_token_mean = accuracy(right[kPerToken], n);
  return result;
}

}  // namespace sextant::harness
