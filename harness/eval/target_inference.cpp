// One gold continuation per sample: its log-likelihood and whether greedy decoding gives it.
#include <algorithm>

#include "core/error.hpp"
#include "harness/eval/inference.hpp"
#include "harness/eval/score_request.hpp"

namespace sextant::harness {

void run_target(runtime::RequestServer& engine, const ModeConfig&, const std::vector<PromptedSample>& samples,
                const OutcomeSink& on_chunk) {
  constexpr std::size_t kSamplesPerChunk = 64;
  const runtime::Tokenizer& tok = engine.model().tokenizer();
  const std::int64_t context_length = engine.model().config().context_length;
  for (std::size_t start = 0; start < samples.size(); start += kSamplesPerChunk) {
    const std::size_t end = std::min(samples.size(), start + kSamplesPerChunk);
    std::vector<runtime::ScoreRequest> requests;
    std::vector<SampleOutcome> outcomes;
    for (std::size_t k = start; k < end; ++k) {
      const PromptedSample& s = samples[k];
      try {
        requests.push_back(make_score_request(tok, s.prompt, s.target, tok.adds_bos(), s.chat));
      } catch (const Error& e) {
        fail("{}: {}", s.record.origin, e.what());
      }
      SampleOutcome o;
      auto& r = requests.back();
      const auto total = static_cast<std::int64_t>(r.context.size() + r.continuation.size());
      if (total > context_length) {
        r.context.erase(r.context.begin(),
                        r.context.begin() + std::min<std::int64_t>(total - context_length,
                                                                   static_cast<std::int64_t>(r.context.size()) - 1));
        o.truncated = true;
      }
      o.index = s.index;
      o.prompt = s.prompt;
      o.prompt_hash = token_hash({r.context, r.continuation});
      o.output = s.target;
      o.reference = s.target;
      outcomes.push_back(std::move(o));
    }
    const auto results = engine.score(requests);
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
      SampleOutcome& o = outcomes[k];
      o.score = results[k].is_greedy ? 1.0 : 0.0;
      o.answer = results[k].is_greedy ? o.reference : "";
      o.detail = {{"logprob", results[k].logprob},
                  {"tokens", requests[k].continuation.size()},
                  {"greedy", results[k].is_greedy}};
    }
    on_chunk(outcomes);
  }
}

}  // namespace sextant::harness
