// Drawing each sequence's source by the mixture and cutting it into inputs, targets and document starts.
#include "trainer/data/sequence_packer.hpp"

#include "core/error.hpp"
#include "trainer/data/hashing.hpp"

namespace sextant::trainer {

SequencePacker::SequencePacker(std::vector<TokenStream>& streams, std::int32_t end_of_document, std::uint64_t seed)
    : streams_(streams), end_of_document_(end_of_document), seed_(seed) {}

TokenStream& SequencePacker::pick(const std::map<std::string, double>& mixture, std::int64_t sequence) {
  const std::uint64_t r = mix64(seed_ * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(sequence) + 1);
  const double u = static_cast<double>(r >> 11) * 0x1.0p-53;
  double cumulative = 0.0;
  const std::string* chosen = nullptr;
  for (const auto& [name, share] : mixture) {
    if (share <= 0.0) continue;
    chosen = &name;
    cumulative += share;
    if (u < cumulative) break;
  }
  if (!chosen) fail("a stage's mixture has no source with a positive share");
  for (TokenStream& s : streams_)
    if (s.name() == *chosen) return s;
  fail("the mixture names source {}, which was not loaded", *chosen);
}

void SequencePacker::fill(TokenBatch& batch, const std::map<std::string, double>& mixture, std::int64_t first_sequence) {
  const std::int64_t T = batch.T;
  window_.resize(static_cast<std::size_t>(T + 1));
  for (std::int64_t b = 0; b < batch.B; ++b) {
    pick(mixture, first_sequence + b).take(T, window_.data());
    std::int32_t start = 0;
    for (std::int64_t t = 0; t < T; ++t) {
      const std::size_t i = static_cast<std::size_t>(b * T + t);
      // The end-of-text token closes a document (the token before it predicts it) and opens
      // the next one at position 0, predicting its first token: the rule by which held-out
      // text is scored (lm-eval's rolling windows start from that token).
      if (window_[t] == end_of_document_) start = static_cast<std::int32_t>(t);
      batch.tokens[i] = window_[t];
      batch.doc_start[i] = start;
      batch.targets[i] = window_[t + 1];
    }
  }
}

}  // namespace sextant::trainer
