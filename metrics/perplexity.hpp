// Perplexity and bits per byte from a total log-probability and the size of the text.
#pragma once

#include <cstdint>

namespace sextant::metrics {

// Sums over the documents of a perplexity task: natural-log probability of every token,
// how many tokens were scored, and how many UTF-8 bytes (and words) the text has. The byte
// and word counts make results comparable across tokenizers.
struct LogLikelihoodTotals {
  double log_prob = 0.0;
  std::int64_t tokens = 0;
  std::int64_t bytes = 0;
  std::int64_t words = 0;

  LogLikelihoodTotals& operator+=(const LogLikelihoodTotals& other);
};

// exp(-log_prob / count): per token with count = tokens, lm-eval's word_perplexity with
// words, byte_perplexity with bytes. log_prob must be <= 0 (a log-probability, not a loss)
// and count > 0.
double perplexity(double log_prob, std::int64_t count);

// -(log_prob / bytes) / ln 2: the bits a model needs per UTF-8 byte (lm-eval's
// bits_per_byte).
double bits_per_byte(double log_prob, std::int64_t bytes);

inline double token_perplexity(const LogLikelihoodTotals& t) { return perplexity(t.log_prob, t.tokens); }
inline double word_perplexity(const LogLikelihoodTotals& t) { return perplexity(t.log_prob, t.words); }
inline double byte_perplexity(const LogLikelihoodTotals& t) { return perplexity(t.log_prob, t.bytes); }
inline double bits_per_byte(const LogLikelihoodTotals& t) { return bits_per_byte(t.log_prob, t.bytes); }

}  // namespace sextant::metrics
