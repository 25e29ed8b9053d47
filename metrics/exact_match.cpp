// Exact match after SQuAD answer normalisation, against one or several references.
#include "metrics/exact_match.hpp"

#include "core/error.hpp"
#include "metrics/text_normalization.hpp"

namespace sextant::metrics {

bool exact_match(std::string_view prediction, std::string_view reference) {
  return normalize_answer(prediction) == normalize_answer(reference);
}

bool exact_match_any(std::string_view prediction, const std::vector<std::string>& references) {
  if (references.empty()) fail("exact match: the sample has no reference answers");
  const std::string normalized = normalize_answer(prediction);
  for (const auto& reference : references) {
    if (normalize_answer(reference) == normalized) return true;
  }
  return false;
}

}  // namespace sextant::metrics
