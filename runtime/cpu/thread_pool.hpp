// A persistent pool of worker threads that runs index-parallel loops.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sextant::runtime {

class ThreadPool {
 public:
  // n_threads counts the calling thread: 1 runs everything inline.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }

  // Calls fn(i) for every i in [0, n), spread over the threads; returns when all are done.
  // Which thread runs an index never changes a result: kernels compute each output
  // independently of the others. Not reentrant: fn must not call parallel_for.
  void parallel_for(std::int64_t n, const std::function<void(std::int64_t)>& fn);

 private:
  void worker_loop();
  void run_share();

  int n_threads_;
  std::vector<std::thread> workers_;
  // A job is published by bumping generation_; workers spin briefly on it (a forward pass
  // issues hundreds of small jobs back to back) and then sleep on the condition variable.
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::int64_t> next_{0};
  std::atomic<int> finished_{0};
  const std::function<void(std::int64_t)>* job_ = nullptr;
  std::int64_t job_size_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
};

// Threads to use when the user does not say: the cores this process may run on.
int default_thread_count();

}  // namespace sextant::runtime
