// Context / continuation token split for log-likelihood requests.
#include "harness/eval/score_request.hpp"

#include "core/error.hpp"

namespace sextant::harness {

runtime::ScoreRequest make_score_request(const runtime::Tokenizer& tok, const std::string& context,
                                         const std::string& continuation, bool add_bos, bool parse_special) {
  const auto ctx = tok.encode(context, add_bos, parse_special);
  const auto whole = tok.encode(context + continuation, add_bos, parse_special);
  if (whole.size() <= ctx.size()) fail("the continuation \"{}\" adds no tokens to its context", continuation);
  runtime::ScoreRequest r;
  r.context.assign(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(ctx.size()));
  r.continuation.assign(whole.begin() + static_cast<std::ptrdiff_t>(ctx.size()), whole.end());
  if (r.context.empty()) {
    if (tok.bos() < 0) fail("the context is empty and the model has no BOS token to stand in for it");
    r.context.push_back(tok.bos());
  }
  return r;
}

}  // namespace sextant::harness
