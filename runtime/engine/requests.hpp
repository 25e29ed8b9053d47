// The three kinds of request the harness makes of a model, and their results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::runtime {

// Log-probability of `continuation` following `context` (multiple choice, cloze).
struct ScoreRequest {
  std::vector<TokenId> context;  // at least one token
  std::vector<TokenId> continuation;
};

struct ScoreResult {
  double logprob = 0.0;     // sum over the continuation's tokens
  bool is_greedy = false;   // every continuation token was the argmax
  std::vector<float> token_logprobs;
};

// Log-probability of a whole text, token by token (perplexity, bits per byte).
struct RollingRequest {
  std::vector<TokenId> tokens;
  TokenId prefix_token = -1;  // predicts the first token (BOS or EOS); -1: the first token is not scored
  std::int64_t max_length = 0;  // window length; 0: the model's context
};

struct RollingResult {
  double logprob = 0.0;
  std::int64_t scored_tokens = 0;
};

struct SamplingParams {
  float temperature = 0.0f;  // 0: greedy
  int top_k = 0;             // 0: off
  float top_p = 1.0f;        // 1: off
  std::uint64_t seed = 0;
};

struct GenerateRequest {
  std::vector<TokenId> prompt;
  int max_tokens = 256;
  std::vector<std::string> stop;  // generation ends before the first occurrence of any
  SamplingParams sampling;
  int n = 1;  // independent samples (sample i uses seed + i)
};

enum class FinishReason { Stop, Length, ContextFull };

struct Generation {
  std::string text;
  std::vector<TokenId> tokens;
  FinishReason finish = FinishReason::Length;
};

struct GenerateResult {
  std::vector<Generation> samples;  // n of them
};

const char* finish_reason_name(FinishReason r);

}  // namespace sextant::runtime
