// Exact match after SQuAD answer normalisation, against one or several references.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sextant::metrics {

// Whether the two answers are equal after normalize_answer() (SQuAD v1.1's
// exact_match_score).
bool exact_match(std::string_view prediction, std::string_view reference);

// The best over the references (SQuAD's metric_max_over_ground_truths); no references is
// an error, as max() of nothing is in the reference script.
bool exact_match_any(std::string_view prediction, const std::vector<std::string>& references);

}  // namespace sextant::metrics
