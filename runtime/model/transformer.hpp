// The forward pass of a Llama-family decoder over a batch of tokens from one or more sequences.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/model/kv_cache.hpp"
#include "runtime/model/model.hpp"

namespace sextant::runtime {

class ThreadPool;

// Tokens to run, each with its position and the cache of its sequence. A sequence's
// earlier positions must already be in its cache or earlier in this batch.
struct ForwardBatch {
  std::vector<TokenId> tokens;
  std::vector<std::int32_t> positions;
  std::vector<KvCache*> caches;
  std::vector<std::int32_t> logit_rows;  // which tokens' next-token logits to return

  void add(TokenId token, std::int32_t pos, KvCache* cache, bool want_logits) {
    if (want_logits) logit_rows.push_back(static_cast<std::int32_t>(tokens.size()));
    tokens.push_back(token);
    positions.push_back(pos);
    caches.push_back(cache);
  }
  std::size_t size() const { return tokens.size(); }
};

// Runs the batch, appends its keys and values to the caches, and writes the logits of
// logit_rows to `logits` as (logit_rows.size(), n_vocab). Every token is computed
// independently of the others in the batch, so results do not depend on batching.
void forward(const Model& model, const ForwardBatch& batch, std::vector<float>& logits, ThreadPool& pool);

}  // namespace sextant::runtime
