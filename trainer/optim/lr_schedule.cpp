// Warm-up and cosine decay, InternLM's schedule (2.5% warm-up, decay to 10% of the peak).
#include "trainer/optim/lr_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace sextant::trainer {

std::int64_t LrSchedule::warmup_steps() const {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(warmup_fraction * static_cast<double>(total_steps))));
}

double LrSchedule::at(std::int64_t step) const {
  const std::int64_t warmup = warmup_steps();
  if (step < warmup) return peak * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double floor = peak * final_fraction;
  const std::int64_t decay_steps = std::max<std::int64_t>(1, total_steps - warmup);
  const double progress = std::min(1.0, static_cast<double>(step - warmup) / static_cast<double>(decay_steps));
  return floor + 0.5 * (peak - floor) * (1.0 + std::cos(M_PI * progress));
}

}  // namespace sextant::trainer
