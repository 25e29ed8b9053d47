// Perplexity and bits per byte from a total log-probability and the size of the text.
#include "metrics/perplexity.hpp"

#include <cmath>
#include <numbers>

#include "core/error.hpp"

namespace sextant::metrics {

namespace {

void check(double log_prob, std::int64_t count, const char* what) {
  if (!std::isfinite(log_prob) || log_prob > 0.0) {
    fail("{}: total log-probability {} must be finite and <= 0 (a sum of natural-log probabilities, not a loss)", what,
         log_prob);
  }
  if (count <= 0) fail("{}: count {} must be positive", what, count);
}

}  // namespace

LogLikelihoodTotals& LogLikelihoodTotals::operator+=(const LogLikelihoodTotals& other) {
  log_prob += other.log_prob;
  tokens += other.tokens;
  bytes += other.bytes;
  words += other.words;
  return *this;
}

double perplexity(double log_prob, std::int64_t count) {
  check(log_prob, count, "perplexity");
  return std::exp(-log_prob / static_cast<double>(count));
}

double bits_per_byte(double log_prob, std::int64_t bytes) {
  check(log_prob, bytes, "bits per byte");
  // lm-eval's order of operations: the mean log-probability per byte, then to bits.
  return -(log_prob / static_cast<double>(bytes)) / std::numbers::ln2;
}

}  // namespace sextant::metrics
