// Whole texts scored token by token (held-out perplexity, bits per byte), in windows of the context.
#include <algorithm>

#include "core/error.hpp"
#include "harness/eval/inference.hpp"

namespace sextant::harness {
namespace {

std::int64_t count_words(const std::string& text) {
  std::int64_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

}  // namespace

void run_rolling(runtime::RequestServer& engine, const ModeConfig&, const std::vector<PromptedSample>& samples,
                 const OutcomeSink& on_chunk) {
  constexpr std::size_t kSamplesPerChunk = 32;
  const runtime::Tokenizer& tok = engine.model().tokenizer();
  // lm-eval's loglikelihood_rolling: the first token is predicted from BOS, else from the
  // end-of-text token that precedes every document in training.
  const runtime::TokenId prefix = tok.bos() >= 0 ? tok.bos() : tok.eos();
  for (std::size_t start = 0; start < samples.size(); start += kSamplesPerChunk) {
    const std::size_t end = std::min(samples.size(), start + kSamplesPerChunk);
    std::vector<runtime::RollingRequest> requests;
    std::vector<SampleOutcome> outcomes;
    for (std::size_t k = start; k < end; ++k) {
      const PromptedSample& s = samples[k];
      runtime::RollingRequest r;
      r.tokens = tok.encode(s.prompt, false, false);
      r.prefix_token = prefix;
      if (r.tokens.empty()) fail("{}: the text is empty", s.record.origin);
      SampleOutcome o;
      o.index = s.index;
      o.prompt = s.prompt;
      o.prompt_hash = token_hash({r.tokens});
      o.detail = {{"tokens", static_cast<std::int64_t>(r.tokens.size())},
                  {"bytes", static_cast<std::int64_t>(s.prompt.size())},
                  {"words", count_words(s.prompt)}};
      requests.push_back(std::move(r));
      outcomes.push_back(std::move(o));
    }
    const auto results = engine.rolling(requests);
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
      SampleOutcome& o = outcomes[k];
      o.detail["logprob"] = results[k].logprob;
      o.detail["tokens"] = results[k].scored_tokens;
      // Per sample: the text's bits per byte (lower is better).
      const double bytes = static_cast<double>(o.detail["bytes"].get<std::int64_t>());
      o.score = bytes > 0 ? -results[k].logprob / bytes / 0.6931471805599453 : 0.0;
    }
    on_chunk(outcomes);
  }
}

}  // namespace sextant::harness
