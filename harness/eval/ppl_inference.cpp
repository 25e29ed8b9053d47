// Multiple choice by log-likelihood: every choice scored as a continuation of its context.
#include <algorithm>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "harness/eval/inference.hpp"
#include "harness/eval/score_request.hpp"
#include "harness/eval/task_scores.hpp"

namespace sextant::harness {

namespace {

constexpr std::size_t kSamplesPerChunk = 32;

std::size_t length_without_leading_space(const std::string& s) {
  return !s.empty() && s[0] == ' ' ? s.size() - 1 : s.size();
}

// Cuts the context on the left so that context + continuation fit the model.
bool fit_to_context(runtime::ScoreRequest& r, std::int64_t context_length) {
  const auto total = static_cast<std::int64_t>(r.context.size() + r.continuation.size());
  if (total <= context_length) return false;
  const auto drop = std::min<std::int64_t>(total - context_length, static_cast<std::int64_t>(r.context.size()) - 1);
  r.context.erase(r.context.begin(), r.context.begin() + drop);
  return true;
}

}  // namespace

std::string token_hash(const std::vector<std::vector<runtime::TokenId>>& prompts) {
  ContentHash h;
  for (const auto& p : prompts) {
    h.add(std::string_view(reinterpret_cast<const char*>(p.data()), p.size() * sizeof(runtime::TokenId)));
    h.add("|");
  }
  return h.hex();
}

void run_ppl(runtime::RequestServer& engine, const ModeConfig& mode, const std::vector<PromptedSample>& samples,
             const OutcomeSink& on_chunk) {
  const runtime::Tokenizer& tok = engine.model().tokenizer();
  const bool bos = tok.adds_bos();
  const std::int64_t context_length = engine.model().config().context_length;
  for (std::size_t start = 0; start < samples.size(); start += kSamplesPerChunk) {
    const std::size_t end = std::min(samples.size(), start + kSamplesPerChunk);
    std::vector<runtime::ScoreRequest> requests;
    std::vector<SampleOutcome> outcomes;
    for (std::size_t k = start; k < end; ++k) {
      const PromptedSample& s = samples[k];
      SampleOutcome o;
      o.index = s.index;
      o.prompt = s.prompt;
      std::vector<std::vector<runtime::TokenId>> token_lists;
      for (std::size_t c = 0; c < s.continuations.size(); ++c) {
        try {
          requests.push_back(make_score_request(tok, s.contexts[c], s.continuations[c], bos, s.chat));
        } catch (const Error& e) {
          fail("{}: {}", s.record.origin, e.what());
        }
        o.truncated |= fit_to_context(requests.back(), context_length);
        token_lists.push_back(requests.back().context);
        token_lists.push_back(requests.back().continuation);
      }
      o.prompt_hash = token_hash(token_lists);
      outcomes.push_back(std::move(o));
    }
    const auto results = engine.score(requests);
    std::size_t r = 0;
    for (std::size_t k = start; k < end; ++k) {
      const PromptedSample& s = samples[k];
      SampleOutcome& o = outcomes[k - start];
      nlohmann::json logprobs = nlohmann::json::array(), tokens = nlohmann::json::array(),
                     chars = nlohmann::json::array(), chars_nospace = nlohmann::json::array();
      for (std::size_t c = 0; c < s.continuations.size(); ++c, ++r) {
        logprobs.push_back(results[r].logprob);
        tokens.push_back(requests[r].continuation.size());
        // Character counts of the continuation as scored (lm-eval's acc_norm), and without its
        // leading space (lighteval, SmolLM2's card).
        chars.push_back(s.continuations[c].size());
        chars_nospace.push_back(length_without_leading_space(s.continuations[c]));
      }
      o.detail = {{"logprobs", logprobs},
                  {"tokens", tokens},
                  {"chars", chars},
                  {"chars_nospace", chars_nospace},
                  {"gold", s.gold}};
      const auto picked = ppl_picks(o.detail);
      o.detail["picked"] = picked;
      const int chosen = picked.at(mode.metric).get<int>();
      o.output = s.continuations[static_cast<std::size_t>(chosen)];
      o.answer = std::string(1, static_cast<char>('A' + chosen));
      o.reference = std::string(1, static_cast<char>('A' + s.gold));
      o.score = chosen == s.gold ? 1.0 : 0.0;
    }
    on_chunk(outcomes);
  }
}

}  // namespace sextant::harness
