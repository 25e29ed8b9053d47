// Running prompted samples through the engine, one inferencer per request kind; each chunk
// of outcomes goes to `on_chunk` (to the store) as soon as it is complete.
#pragma once

#include <functional>
#include <vector>

#include "harness/config/dataset_config.hpp"
#include "harness/eval/prompted_sample.hpp"
#include "harness/eval/sample_outcome.hpp"
#include "runtime/engine/request_server.hpp"

namespace sextant::harness {

using OutcomeSink = std::function<void(const std::vector<SampleOutcome>&)>;

// Multiple choice by log-likelihood; records acc / acc_norm / acc_norm_nospace / token-mean picks.
void run_ppl(runtime::RequestServer& engine, const ModeConfig& mode, const std::vector<PromptedSample>& samples,
             const OutcomeSink& on_chunk);
// The gold continuation's log-likelihood and whether greedy decoding would produce it.
void run_target(runtime::RequestServer& engine, const ModeConfig& mode, const std::vector<PromptedSample>& samples,
                const OutcomeSink& on_chunk);
// A whole text's log-likelihood in windows of the model's context: per-sample log-prob,
// tokens, bytes and words, for bits per byte and perplexity.
void run_rolling(runtime::RequestServer& engine, const ModeConfig& mode, const std::vector<PromptedSample>& samples,
                 const OutcomeSink& on_chunk);
// Generation, answer extraction (with a majority vote over several samples) and per-sample metrics.
void run_gen(runtime::RequestServer& engine, const ModeConfig& mode, const std::vector<PromptedSample>& samples,
             const OutcomeSink& on_chunk);

// The token hash of a prompt, as stored in SampleOutcome::prompt_hash.
std::string token_hash(const std::vector<std::vector<runtime::TokenId>>& prompts);

}  // namespace sextant::harness
