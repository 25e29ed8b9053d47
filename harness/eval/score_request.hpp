// Turning a text context and continuation into the token request the engine scores.
#pragma once

#include <string>

#include "runtime/engine/requests.hpp"

namespace sextant::harness {

// The continuation's tokens are those of context + continuation after the context's own
// count (as lm-evaluation-harness splits them), so a word boundary is tokenized as in
// training. With an empty context the BOS token stands in for it. Throws when the
// continuation adds no token or no context token can be had.
runtime::ScoreRequest make_score_request(const runtime::Tokenizer& tok, const std::string& context,
                                         const std::string& continuation, bool add_bos, bool parse_special = false);

}  // namespace sextant::harness
