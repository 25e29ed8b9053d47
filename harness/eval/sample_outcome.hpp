// What evaluating one sample produced, as stored: enough to recompute every metric of its
// task without the model, and to show it in a report.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace sextant::harness {

struct SampleOutcome {
  std::int64_t index = 0;
  std::string prompt_hash;  // of the prompt's token ids: two runs scored the same input iff equal
  std::string prompt;       // the prompt text (Ppl: the first choice's context)
  std::string output;       // Ppl: the chosen continuation; Target: the target; Gen: the raw generation
  std::string answer;       // Ppl: the chosen label; Gen: the extracted answer ("" when none was found)
  std::string reference;    // the right answer (Gen: the first reference)
  double score = 0.0;       // the headline metric for this sample
  bool extracted = true;    // Gen: the post-processor found an answer
  bool truncated = false;   // the prompt was cut on the left to fit the context
  nlohmann::json detail = nlohmann::json::object();  // per-metric inputs: log-probs, token counts, all generations
};

}  // namespace sextant::harness
