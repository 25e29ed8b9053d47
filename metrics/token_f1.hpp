// Token-level F1 between answers (SQuAD v1.1 definition), against one or several references.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sextant::metrics {

// SQuAD v1.1's f1_score: the answers are normalised (normalize_answer) and split on
// whitespace; the overlap is the multiset intersection of the two token lists. No common
// token gives 0, which includes two empty answers (v1.1 behaviour; v2.0 would give 1).
double token_f1(std::string_view prediction, std::string_view reference);

// The best over the references; no references is an error.
double token_f1_max(std::string_view prediction, const std::vector<std::string>& references);

}  // namespace sextant::metrics
