// One micro-batch of packed sequences: input tokens, target tokens and document starts.
#pragma once

#include <cstdint>
#include <vector>

namespace sextant::trainer {

// All arrays are (B, T), row-major. targets[i] < 0 means position i has no loss (the token
// after it belongs to another document, or is padding). doc_start[i] is the index within
// its sequence of the first token of position i's document: attention and RoPE positions
// restart there, so a packed document is computed as if it were alone.
struct TokenBatch {
  std::int64_t B = 0, T = 0;
  std::vector<std::int32_t> tokens, targets, doc_start;

  TokenBatch() = default;
  TokenBatch(std::int64_t batch, std::int64_t seq_len)
      : B(batch), T(seq_len),
        tokens(static_cast<std::size_t>(batch * seq_len)),
        targets(tokens.size(), -1),
        doc_start(tokens.size(), 0) {}
};

}  // namespace sextant::trainer
