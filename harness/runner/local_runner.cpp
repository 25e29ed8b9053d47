// Partitioning tasks into units and running them on worker threads.
#include "harness/runner/local_runner.hpp"

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "harness/eval/progress_line.hpp"
#include "runtime/engine/shared_engine.hpp"

namespace sextant::harness {

namespace {

struct TaskState {
  PreparedTask prepared;
  std::mutex mutex;
  std::int64_t done = 0;
  std::size_t units_left = 0;
  std::unique_ptr<ProgressLine> line;
};

struct Unit {
  std::size_t task;
  std::vector<PromptedSample> samples;
};

}  // namespace

std::vector<TaskResult> run_tasks_locally(runtime::Engine& engine, ResultStore& store, std::int64_t run,
                                          const std::vector<PlannedTask>& tasks, int workers,
                                          const std::function<void(const TaskResult&)>& on_finished) {
  std::vector<TaskResult> results(tasks.size());
  std::mutex report_mutex;
  auto report = [&](const TaskResult& r) {
    std::lock_guard lock(report_mutex);
    on_finished(r);
  };
  if (workers <= 1) {
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      const auto& t = tasks[i];
      results[i] = run_task(engine, store, run, t.dataset, t.dataset.mode(t.mode), t.options);
      report(results[i]);
    }
    return results;
  }

  // Prepare every task (rows loaded, samples built, the store read back), then cut the work
  // left into units.
  std::vector<std::unique_ptr<TaskState>> states;
  std::vector<Unit> units;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const auto& t = tasks[i];
    auto state = std::make_unique<TaskState>();
    state->prepared = prepare_task(engine.model(), store, t.dataset, t.dataset.mode(t.mode), t.options);
    auto& todo = state->prepared.todo;
    for (std::size_t at = 0; at < todo.size(); at += kUnitSamples) {
      Unit u{i, {}};
      for (std::size_t k = at; k < std::min(todo.size(), at + kUnitSamples); ++k)
        u.samples.push_back(std::move(todo[k]));
      units.push_back(std::move(u));
      ++state->units_left;
    }
    todo.clear();
    if (state->prepared.result.skipped.empty())
      store.set_progress(run, state->prepared.result.key, state->prepared.result.reused, state->prepared.wanted);
    state->line = std::make_unique<ProgressLine>(t.dataset.name + ":" + state->prepared.result.key.mode, false);
    states.push_back(std::move(state));
  }
  auto finish = [&](std::size_t i) {
    TaskState& s = *states[i];
    results[i] = s.prepared.result.skipped.empty() ? finish_task(s.prepared, store, run, engine.model().tokenizer())
                                                   : std::move(s.prepared.result);
    report(results[i]);
  };
  for (std::size_t i = 0; i < states.size(); ++i)
    if (states[i]->units_left == 0) finish(i);

  runtime::SharedEngine shared(engine);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (;;) {
      const std::size_t u = next.fetch_add(1);
      if (u >= units.size() || failed) return;
      Unit& unit = units[u];
      TaskState& s = *states[unit.task];
      try {
        run_samples(shared, *s.prepared.mode, unit.samples, [&](const std::vector<SampleOutcome>& chunk) {
          store.add_outcomes(s.prepared.result.key.hash, chunk);
          std::lock_guard lock(s.mutex);
          s.prepared.outcomes.insert(s.prepared.outcomes.end(), chunk.begin(), chunk.end());
          s.done += static_cast<std::int64_t>(chunk.size());
          // Under the task's lock, so that two workers' rows reach the store in order.
          store.set_progress(run, s.prepared.result.key, s.prepared.result.reused + s.done, s.prepared.wanted);
          s.line->update(s.done, s.prepared.wanted, s.prepared.result.reused);
        });
        bool last = false;
        {
          std::lock_guard lock(s.mutex);
          last = --s.units_left == 0;
        }
        if (last) finish(unit.task);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  return results;
}

}  // namespace sextant::harness
