// Thread pool with a shared atomic counter: each thread takes the next index until none is left.
#include "runtime/cpu/thread_pool.hpp"

#include <sched.h>

#include <algorithm>

#if defined(__x86_64__)
#include <immintrin.h>
#define SEXTANT_PAUSE() _mm_pause()
#else
#define SEXTANT_PAUSE() ((void)0)
#endif

namespace sextant::runtime {

namespace {
constexpr int kSpinIterations = 20000;  // roughly 100 microseconds before a worker sleeps
}

ThreadPool::ThreadPool(int n_threads) : n_threads_(std::max(1, n_threads)) {
  for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run_share() {
  for (std::int64_t i = next_.fetch_add(1, std::memory_order_relaxed); i < job_size_;
       i = next_.fetch_add(1, std::memory_order_relaxed))
    (*job_)(i);
}

void ThreadPool::worker_loop() {
  std::uint64_t seen = 0;
  for (;;) {
    int spins = 0;
    while (generation_.load(std::memory_order_acquire) == seen && spins < kSpinIterations) {
      SEXTANT_PAUSE();
      ++spins;
    }
    if (generation_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
    }
    seen = generation_.load(std::memory_order_acquire);
    if (stop_.load()) return;
    run_share();
    finished_.fetch_add(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::parallel_for(std::int64_t n, const std::function<void(std::int64_t)>& fn) {
  if (n <= 0) return;
  if (n_threads_ == 1 || n == 1) {
    for (std::int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  job_ = &fn;
  job_size_ = n;
  next_.store(0, std::memory_order_relaxed);
  finished_.store(0, std::memory_order_relaxed);
  {
    // Under the lock so that a worker deciding to sleep cannot miss the bump.
    std::lock_guard<std::mutex> lock(mutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  run_share();
  // Spin while the workers finish their last indices; yield when that takes long, since a
  // worker may have been descheduled on a busy machine.
  const int workers = n_threads_ - 1;
  for (int spins = 0; finished_.load(std::memory_order_acquire) < workers; ++spins) {
    if (spins < 2000) SEXTANT_PAUSE();
    else std::this_thread::yield();
  }
  job_ = nullptr;
}

int default_thread_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace sextant::runtime
