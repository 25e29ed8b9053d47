// Accuracy: the fraction of samples judged correct.
#include "metrics/accuracy.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace sextant::metrics {

double accuracy(const std::vector<bool>& correct) {
  if (correct.empty()) fail("accuracy: no samples to score");
  const auto hits = std::count(correct.begin(), correct.end(), true);
  return static_cast<double>(hits) / static_cast<double>(correct.size());
}

}  // namespace sextant::metrics
