// The scalar form of logit_stats() and the choice of kernel for this CPU.
#include "runtime/cpu/logit_stats.hpp"

#include <cmath>
#include <cstring>

#include "runtime/cpu/cpu_features.hpp"
#include "runtime/cpu/fast_exp.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx512 {
LogitStats logit_stats(const float* logits, std::int64_t n);
}
#endif

LogitStats logit_stats_scalar(const float* logits, std::int64_t n) {
  LogitStats s;
  s.max = logits[0];
  for (std::int64_t i = 1; i < n; ++i)
    if (logits[i] > s.max) {
      s.max = logits[i];
      s.argmax = i;
    }
  double lanes[16] = {};
  for (std::int64_t i = 0; i < n; ++i) lanes[i % 16] += static_cast<double>(fast_exp(logits[i] - s.max));
  double sum = 0.0;
  for (double l : lanes) sum += l;
  s.log_sum_exp = static_cast<double>(s.max) + std::log(sum);
  return s;
}

LogitStatsFn logit_stats_for(const char* isa) {
  if (std::strcmp(isa, "scalar") == 0) return logit_stats_scalar;
#if defined(__x86_64__)
  if (std::strcmp(isa, "avx512") == 0 && cpu_has_avx512()) return avx512::logit_stats;
#endif
  return nullptr;
}

LogitStats logit_stats(const float* logits, std::int64_t n) {
  static const LogitStatsFn best = [] {
    const LogitStatsFn f = logit_stats_for("avx512");
    return f ? f : logit_stats_scalar;
  }();
  return best(logits, n);
}

}  // namespace sextant::runtime
