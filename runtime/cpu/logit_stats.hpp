// What scoring needs from a row of logits: its maximum, the first index holding it (the
// greedy token) and log(sum(exp(logits))), computed in one fixed order by every kernel:
//   max: the largest value (exact in any order); argmax: the first index holding it;
//   e_i = fast_exp(logits[i] - max) in float; lane sums s_l = sum of double(e_i) over
//   i = l mod 16, in index order; log_sum_exp = max + log(s_0 + s_1 + ... + s_15), added in
//   lane order, in double.
#pragma once

#include <cstdint>

namespace sextant::runtime {

struct LogitStats {
  float max = 0.0f;
  std::int64_t argmax = 0;
  double log_sum_exp = 0.0;
};

using LogitStatsFn = LogitStats (*)(const float* logits, std::int64_t n);

LogitStats logit_stats_scalar(const float* logits, std::int64_t n);
// The fastest form for this CPU (the same results as the scalar form).
LogitStats logit_stats(const float* logits, std::int64_t n);
LogitStatsFn logit_stats_for(const char* isa);  // "scalar", "avx512"; null when unsupported

}  // namespace sextant::runtime
