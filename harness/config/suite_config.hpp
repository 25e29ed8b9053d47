// A suite (configs/suites/*.json): a named list of (dataset, mode) tasks.
#pragma once

#include <string>
#include <vector>

namespace sextant::harness {

struct SuiteTask {
  std::string dataset;
  std::string mode;  // empty: the dataset's default modes
};

struct SuiteConfig {
  std::string name;
  std::string description;
  std::vector<SuiteTask> tasks;
};

// Tasks are written "dataset" or "dataset:mode".
SuiteConfig load_suite_config(const std::string& path);
SuiteTask parse_suite_task(const std::string& text);

}  // namespace sextant::harness
