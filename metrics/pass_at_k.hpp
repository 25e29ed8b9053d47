// pass@k with the unbiased estimator of the HumanEval paper (Chen et al., 2021).
#pragma once

#include <cstdint>
#include <vector>

namespace sextant::metrics {

// The probability that at least one of k samples drawn without replacement from n
// generated samples, c of them correct, is correct: 1 - C(n-c, k) / C(n, k), computed as
// the paper's numerically stable product 1 - prod_{i=n-c+1..n} (1 - k/i). Requires
// n >= 1, 0 <= c <= n and 1 <= k <= n.
double pass_at_k(std::int64_t n, std::int64_t c, std::int64_t k);

// One problem's samples: n generated, c of them correct.
struct PassAtKCounts {
  std::int64_t n = 0;
  std::int64_t c = 0;
};

// The mean of pass_at_k over problems, as the paper reports it; no problems is an error.
double mean_pass_at_k(const std::vector<PassAtKCounts>& problems, std::int64_t k);

}  // namespace sextant::metrics
