// Seeded resampling with replacement that gives the same indices on every platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace sextant::metrics {

// Draws bootstrap resamples from std::mt19937_64, whose output the standard fixes. The
// bounded draws are done here rather than with std::uniform_int_distribution, whose
// algorithm each standard library chooses, so a seed means the same intervals everywhere.
class BootstrapResampler {
 public:
  explicit BootstrapResampler(std::uint64_t seed) : engine_(seed) {}

  // A uniform integer in [0, bound), bound > 0, without modulo bias.
  std::uint64_t uniform_below(std::uint64_t bound);

  // Replaces indices with count uniform draws from [0, count), with replacement.
  void resample(std::size_t count, std::vector<std::size_t>& indices);

 private:
  std::mt19937_64 engine_;
};

}  // namespace sextant::metrics
