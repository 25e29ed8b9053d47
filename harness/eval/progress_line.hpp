// One progress line per running task: done/total, items/s and ETA, redrawn in place on a
// terminal and printed every few seconds otherwise (logs stay readable).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sextant::harness {

class ProgressLine {
 public:
  // `live`: redraw in place on a terminal (off when several tasks run at once).
  explicit ProgressLine(std::string name, bool live = true);
  // `done` counts this run's work only, so the rate is honest after a resume; `base` is what
  // the store already held.
  void update(std::int64_t done, std::int64_t total, std::int64_t base = 0);

  // Silences every progress line of the process (`eval --quiet`, evaluations inside `train`).
  static void set_quiet(bool quiet);

 private:
  std::string name_;
  std::chrono::steady_clock::time_point start_;
  bool tty_;
  double last_ = -1e9;
};

}  // namespace sextant::harness
