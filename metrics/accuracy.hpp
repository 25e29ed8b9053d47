// Accuracy: the fraction of samples judged correct.
#pragma once

#include <vector>

namespace sextant::metrics {

// The fraction of true values; an empty list is an error, since its accuracy is undefined
// and a silent 0 or 1 would hide an evaluation that scored nothing.
double accuracy(const std::vector<bool>& correct);

}  // namespace sextant::metrics
