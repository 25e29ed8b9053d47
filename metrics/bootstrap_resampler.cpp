// Seeded resampling with replacement that gives the same indices on every platform.
#include "metrics/bootstrap_resampler.hpp"

namespace sextant::metrics {

std::uint64_t BootstrapResampler::uniform_below(std::uint64_t bound) {
  // Reject the lowest 2^64 mod bound values, so the accepted range is a multiple of
  // bound and every remainder is equally likely.
  const std::uint64_t threshold = (0 - bound) % bound;
  std::uint64_t x = engine_();
  while (x < threshold) x = engine_();
  return x % bound;
}

void BootstrapResampler::resample(std::size_t count, std::vector<std::size_t>& indices) {
  indices.resize(count);
  for (auto& index : indices) index = static_cast<std::size_t>(uniform_below(count));
}

}  // namespace sextant::metrics
