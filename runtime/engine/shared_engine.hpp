// One engine used by several worker threads: calls that arrive while it is busy wait, and
// are then run together as one batch, so requests from different tasks share forward
// passes. Since the engine's results do not depend on what else is in a batch, merging
// changes speed only, never a number.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

#include "runtime/engine/engine.hpp"

namespace sextant::runtime {

class SharedEngine : public RequestServer {
 public:
  explicit SharedEngine(Engine& engine) : engine_(engine) {}

  const Model& model() const override { return engine_.model(); }
  std::vector<ScoreResult> score(const std::vector<ScoreRequest>& requests) override;
  std::vector<RollingResult> rolling(const std::vector<RollingRequest>& requests) override;
  std::vector<GenerateResult> generate(const std::vector<GenerateRequest>& requests) override;

  // How many engine calls served how many caller calls (for tests and logs).
  std::int64_t engine_calls() const;
  std::int64_t caller_calls() const;

 private:
  struct Call;
  // Queues the call; the first caller to find the engine idle runs every queued call of one
  // kind as one batch, and goes on until the queue is empty.
  void submit(Call& call);
  void run_batch(std::vector<Call*>& batch);

  Engine& engine_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::deque<Call*> queue_;
  bool busy_ = false;
  std::int64_t engine_calls_ = 0, caller_calls_ = 0;
};

}  // namespace sextant::runtime
