// Choosing the next token from logits: greedy, or temperature with top-k and top-p.
#pragma once

#include <cstdint>
#include <random>

#include "runtime/engine/requests.hpp"

namespace sextant::runtime {

// Index of the largest logit (the first one on ties).
TokenId argmax(const float* logits, std::int64_t n);

// Draws a token. The draw depends only on the logits, the parameters and the generator's
// state, so a seeded sample is the same whatever else runs beside it.
TokenId sample_token(const float* logits, std::int64_t n, const SamplingParams& params, std::mt19937_64& rng);

}  // namespace sextant::runtime
