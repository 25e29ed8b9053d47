// The configs a user can name: datasets, suites and models under one configs/ folder.
#pragma once

#include <string>
#include <vector>

#include "harness/config/dataset_config.hpp"
#include "harness/config/model_config.hpp"
#include "harness/config/suite_config.hpp"

namespace sextant::harness {

class ConfigCatalog {
 public:
  // `dir` empty: $SEXTANT_CONFIG_DIR, else ./configs, else the configs/ of the source tree
  // this program was built from.
  explicit ConfigCatalog(std::string dir = "");

  const std::string& dir() const { return dir_; }
  std::vector<std::string> dataset_names() const;
  std::vector<std::string> suite_names() const;
  std::vector<std::string> model_names() const;

  // Throw UsageError listing the known names when there is no such config.
  DatasetConfig dataset(const std::string& name) const;
  SuiteConfig suite(const std::string& name) const;
  // A model config's name, a .json path, or a model file / folder.
  ModelConfig model(const std::string& name_or_path) const;

 private:
  std::string dir_;
};

}  // namespace sextant::harness
