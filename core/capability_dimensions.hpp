// The five capability dimensions of OpenCompass's grouping, in the order tables show them.
#pragma once

#include <string>

namespace sextant {

inline constexpr const char* kCapabilityDimensions[] = {"Exam", "Language", "Knowledge", "Understanding", "Reasoning"};

// Held-out text scored by bits per byte or perplexity (lower is better): shown in its own
// group after the five, never averaged into a dimension or the overall score.
inline constexpr const char* kPerplexityGroup = "Perplexity";

// Whether a metric's lower values are the better ones.
inline bool lower_is_better(const std::string& metric) {
  return metric == "perplexity" || metric == "bits_per_byte" || metric == "word_perplexity";
}

}  // namespace sextant
