// The local runner: tasks split into units of samples, executed by in-process workers that
// share one loaded model. Requests of units running at the same time (from the same or from
// different tasks) are merged into shared engine batches.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/config/dataset_config.hpp"
#include "harness/eval/task_runner.hpp"
#include "runtime/engine/engine.hpp"

namespace sextant::harness {

struct PlannedTask {
  DatasetConfig dataset;
  std::string mode;
  TaskOptions options;
};

// Samples per unit: large enough to fill engine batches, small enough that several workers
// share a big task.
inline constexpr std::size_t kUnitSamples = 128;

// Results in the order of `tasks`. One worker runs the tasks one after another with a live
// progress line; more prepare every task first, then work through the units in task order.
// `on_finished` is called (from any thread, one call at a time) as each task completes.
std::vector<TaskResult> run_tasks_locally(runtime::Engine& engine, ResultStore& store, std::int64_t run,
                                          const std::vector<PlannedTask>& tasks, int workers,
                                          const std::function<void(const TaskResult&)>& on_finished);

}  // namespace sextant::harness
