// Merging concurrent callers' requests into shared engine batches.
#include "runtime/engine/shared_engine.hpp"

#include <exception>

namespace sextant::runtime {

struct SharedEngine::Call {
  enum class Kind { Score, Rolling, Generate };
  explicit Call(Kind k) : kind(k) {}
  Kind kind;
  const std::vector<ScoreRequest>* score_requests = nullptr;
  const std::vector<RollingRequest>* rolling_requests = nullptr;
  const std::vector<GenerateRequest>* generate_requests = nullptr;
  std::vector<ScoreResult> score_results;
  std::vector<RollingResult> rolling_results;
  std::vector<GenerateResult> generate_results;
  std::exception_ptr error;
  bool done = false;
};

void SharedEngine::run_batch(std::vector<Call*>& batch) {
  const Call::Kind kind = batch.front()->kind;
  try {
    if (kind == Call::Kind::Score) {
      std::vector<ScoreRequest> all;
      for (Call* c : batch) all.insert(all.end(), c->score_requests->begin(), c->score_requests->end());
      auto results = engine_.score(all);
      std::size_t at = 0;
      for (Call* c : batch) {
        c->score_results.assign(results.begin() + static_cast<std::ptrdiff_t>(at),
                                results.begin() + static_cast<std::ptrdiff_t>(at + c->score_requests->size()));
        at += c->score_requests->size();
      }
    } else if (kind == Call::Kind::Rolling) {
      std::vector<RollingRequest> all;
      for (Call* c : batch) all.insert(all.end(), c->rolling_requests->begin(), c->rolling_requests->end());
      auto results = engine_.rolling(all);
      std::size_t at = 0;
      for (Call* c : batch) {
        c->rolling_results.assign(results.begin() + static_cast<std::ptrdiff_t>(at),
                                  results.begin() + static_cast<std::ptrdiff_t>(at + c->rolling_requests->size()));
        at += c->rolling_requests->size();
      }
    } else {
      std::vector<GenerateRequest> all;
      for (Call* c : batch) all.insert(all.end(), c->generate_requests->begin(), c->generate_requests->end());
      auto results = engine_.generate(all);
      std::size_t at = 0;
      for (Call* c : batch) {
        c->generate_results.assign(
            std::make_move_iterator(results.begin() + static_cast<std::ptrdiff_t>(at)),
            std::make_move_iterator(results.begin() + static_cast<std::ptrdiff_t>(at + c->generate_requests->size())));
        at += c->generate_requests->size();
      }
    }
  } catch (...) {
    // A bad request fails every call of the batch it was merged into; run alone, each call
    // would have failed or succeeded by itself, so retry them one by one.
    if (batch.size() == 1) {
      batch.front()->error = std::current_exception();
      return;
    }
    for (Call* c : batch) {
      std::vector<Call*> one{c};
      run_batch(one);
    }
  }
}

void SharedEngine::submit(Call& call) {
  std::unique_lock lock(mutex_);
  ++caller_calls_;
  queue_.push_back(&call);
  while (!call.done) {
    if (busy_) {
      done_.wait(lock);
      continue;
    }
    // Lead: run batches of one kind at a time until nothing waits.
    busy_ = true;
    while (!queue_.empty()) {
      const Call::Kind kind = queue_.front()->kind;
      std::vector<Call*> batch;
      for (auto it = queue_.begin(); it != queue_.end();) {
        if ((*it)->kind == kind) {
          batch.push_back(*it);
          it = queue_.erase(it);
        } else {
          ++it;
        }
      }
      ++engine_calls_;
      lock.unlock();
      run_batch(batch);
      lock.lock();
      for (Call* c : batch) c->done = true;
      done_.notify_all();
    }
    busy_ = false;
  }
  if (call.error) std::rethrow_exception(call.error);
}

std::vector<ScoreResult> SharedEngine::score(const std::vector<ScoreRequest>& requests) {
  Call call(Call::Kind::Score);
  call.score_requests = &requests;
  submit(call);
  return std::move(call.score_results);
}

std::vector<RollingResult> SharedEngine::rolling(const std::vector<RollingRequest>& requests) {
  Call call(Call::Kind::Rolling);
  call.rolling_requests = &requests;
  submit(call);
  return std::move(call.rolling_results);
}

std::vector<GenerateResult> SharedEngine::generate(const std::vector<GenerateRequest>& requests) {
  Call call(Call::Kind::Generate);
  call.generate_requests = &requests;
  submit(call);
  return std::move(call.generate_results);
}

std::int64_t SharedEngine::engine_calls() const {
  std::lock_guard lock(mutex_);
  return engine_calls_;
}

std::int64_t SharedEngine::caller_calls() const {
  std::lock_guard lock(mutex_);
  return caller_calls_;
}

}  // namespace sextant::runtime
