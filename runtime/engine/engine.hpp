// The in-process engine: answers batches of score, rolling and generate requests on one model.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/cpu/thread_pool.hpp"
#include "runtime/engine/prefix_cache.hpp"
#include "runtime/engine/request_server.hpp"
#include "runtime/engine/requests.hpp"
#include "runtime/model/model.hpp"

namespace sextant::runtime {

struct EngineOptions {
  int threads = 0;                       // 0: every core this process may use
  std::int64_t max_batch_tokens = 512;   // tokens per forward pass
  std::size_t prefix_cache_bytes = 256ull << 20;
  bool use_prefix_cache = true;
};

struct EngineStats {
  std::int64_t forward_passes = 0;
  std::int64_t tokens_computed = 0;   // tokens run through the model
  std::int64_t tokens_from_cache = 0; // prefix tokens reused instead
};

class Engine : public RequestServer {
 public:
  Engine(const Model& model, EngineOptions options = {});

  const Model& model() const override { return model_; }
  const EngineOptions& options() const { return options_; }
  const EngineStats& stats() const { return stats_; }
  PrefixCache& prefix_cache() { return prefix_cache_; }

  // Results come back in request order. A request's result is the same, bit for bit,
  // whatever the other requests, the batch size, the thread count or the cache state.
  std::vector<ScoreResult> score(const std::vector<ScoreRequest>& requests) override;
  std::vector<RollingResult> rolling(const std::vector<RollingRequest>& requests) override;
  std::vector<GenerateResult> generate(const std::vector<GenerateRequest>& requests) override;

 private:
  // A cache holding `tokens` computed, sharing whatever prefix is cached; stored in the
  // prefix cache when `remember`.
  std::shared_ptr<KvCache> prefill(const std::vector<TokenId>& tokens, bool remember);
  // The same for many sequences at once, packed into shared forward passes; all are remembered.
  std::vector<std::shared_ptr<KvCache>> prefill_many(const std::vector<std::vector<TokenId>>& heads);

  const Model& model_;
  EngineOptions options_;
  ThreadPool pool_;
  PrefixCache prefix_cache_;
  EngineStats stats_;
};

}  // namespace sextant::runtime
