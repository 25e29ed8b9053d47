// Finding configs by name.
#include "harness/config/config_catalog.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"

namespace sextant::harness {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string path_of(const std::string& dir, const char* kind, const std::string& name,
                    const std::vector<std::string>& known) {
  const fs::path p = fs::path(dir) / kind / (name + ".json");
  if (fs::is_regular_file(p)) return p.string();
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  throw UsageError(fmt::format("unknown {} \"{}\" (known: {}; configs in {})",
                               std::string(kind).substr(0, std::string(kind).size() - 1), name,
                               list.empty() ? "none" : list, (fs::path(dir) / kind).string()));
}

}  // namespace

ConfigCatalog::ConfigCatalog(std::string dir) : dir_(std::move(dir)) {
  if (dir_.empty()) {
    if (const char* env = std::getenv("SEXTANT_CONFIG_DIR"))
      dir_ = env;
    else if (fs::is_directory("configs/datasets"))
      dir_ = "configs";
    else
      dir_ = std::string(SEXTANT_SOURCE_DIR) + "/configs";
  }
  if (!fs::is_directory(dir_))
    throw UsageError(fmt::format("config folder {} does not exist (set --configs or $SEXTANT_CONFIG_DIR)", dir_));
}

std::vector<std::string> ConfigCatalog::dataset_names() const { return names_in(fs::path(dir_) / "datasets"); }
std::vector<std::string> ConfigCatalog::suite_names() const { return names_in(fs::path(dir_) / "suites"); }
std::vector<std::string> ConfigCatalog::model_names() const { return names_in(fs::path(dir_) / "models"); }

DatasetConfig ConfigCatalog::dataset(const std::string& name) const {
  return load_dataset_config(path_of(dir_, "datasets", name, dataset_names()));
}

SuiteConfig ConfigCatalog::suite(const std::string& name) const {
  return load_suite_config(path_of(dir_, "suites", name, suite_names()));
}

ModelConfig ConfigCatalog::model(const std::string& name_or_path) const {
  if (fs::exists(name_or_path)) return resolve_model(name_or_path);
  const auto names = model_names();
  if (std::find(names.begin(), names.end(), name_or_path) != names.end())
    return load_model_config((fs::path(dir_) / "models" / (name_or_path + ".json")).string());
  std::string list;
  for (const auto& k : names) list += (list.empty() ? "" : ", ") + k;
  throw UsageError(
      fmt::format("--model {}: no such file, folder or model config (configured models: {})", name_or_path, list));
}

}  // namespace sextant::harness
