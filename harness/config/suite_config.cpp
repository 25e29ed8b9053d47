// Reading suite configs.
#include "harness/config/suite_config.hpp"

#include <filesystem>

#include "core/config_object.hpp"
#include "core/error.hpp"

namespace sextant::harness {

SuiteTask parse_suite_task(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return {text, ""};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

SuiteConfig load_suite_config(const std::string& path) {
  const nlohmann::json j = read_json_config(path);
  const ConfigObject o(j, path);
  o.reject_unknown({"name", "description", "tasks"});
  SuiteConfig s;
  s.name = o.text("name");
  if (s.name != std::filesystem::path(path).stem().string())
    fail("{}: name \"{}\" differs from the file's name", o.where("name"), s.name);
  s.description = o.text_or("description", "");
  for (const auto& t : o.texts("tasks")) s.tasks.push_back(parse_suite_task(t));
  if (s.tasks.empty()) fail("{}: no task", o.where("tasks"));
  return s;
}

}  // namespace sextant::harness
