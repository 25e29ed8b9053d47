// The learning-rate schedule of a training stage: linear warm-up, then cosine decay to a floor.
#pragma once

#include <cstdint>

namespace sextant::trainer {

struct LrSchedule {
  double peak = 3e-4;
  std::int64_t total_steps = 1;
  double warmup_fraction = 0.025;  // of total_steps, linear from peak / warmup to peak
  double final_fraction = 0.1;     // the cosine ends at this fraction of the peak

  std::int64_t warmup_steps() const;
  // The rate of step `step`, counted from 0 within the stage.
  double at(std::int64_t step) const;
};

}  // namespace sextant::trainer
