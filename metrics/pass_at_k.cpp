// pass@k with the unbiased estimator of the HumanEval paper (Chen et al., 2021).
#include "metrics/pass_at_k.hpp"

#include "core/error.hpp"

namespace sextant::metrics {

double pass_at_k(std::int64_t n, std::int64_t c, std::int64_t k) {
  if (n < 1) fail("pass@k: n = {} samples; need at least 1", n);
  if (c < 0 || c > n) fail("pass@k: c = {} correct out of n = {} samples", c, n);
  if (k < 1 || k > n) fail("pass@k: k = {} must be between 1 and n = {}", k, n);
  // Fewer incorrect samples than k: every draw of k holds a correct one.
  if (n - c < k) return 1.0;
  double product = 1.0;
  for (std::int64_t i = n - c + 1; i <= n; ++i) product *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
  return 1.0 - product;
}

double mean_pass_at_k(const std::vector<PassAtKCounts>& problems, std::int64_t k) {
  if (problems.empty()) fail("pass@{}: no problems to score", k);
  double sum = 0.0;
  for (const auto& p : problems) sum += pass_at_k(p.n, p.c, k);
  return sum / static_cast<double>(problems.size());
}

}  // namespace sextant::metrics
