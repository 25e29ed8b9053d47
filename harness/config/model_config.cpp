// Reading model configs.
#include "harness/config/model_config.hpp"

#include <filesystem>

#include "core/config_object.hpp"
#include "core/error.hpp"

namespace sextant::harness {

namespace fs = std::filesystem;

ModelConfig load_model_config(const std::string& path) {
  const nlohmann::json j = read_json_config(path);
  const ConfigObject o(j, path);
  o.reject_unknown({"name", "path", "chat", "description", "fetch"});
  ModelConfig m;
  m.config_path = path;
  m.name = o.text("name");
  m.path = o.text("path");
  m.chat = o.flag_or("chat", false);
  m.description = o.text_or("description", "");
  m.fetch_hint = o.text_or("fetch", "");
  if (fs::path(m.path).is_relative() && !fs::exists(m.path)) {
    // configs/models/x.json -> the repository holding configs/
    const fs::path repo = fs::absolute(path).parent_path().parent_path().parent_path();
    if (fs::exists(repo / m.path)) m.path = (repo / m.path).string();
  }
  if (!fs::exists(m.path))
    fail("{}: the model file {} does not exist{}", o.where("path"), m.path,
         m.fetch_hint.empty() ? "" : " (get it with: " + m.fetch_hint + ")");
  return m;
}

ModelConfig resolve_model(const std::string& model_arg) {
  if (fs::path(model_arg).extension() == ".json" && fs::is_regular_file(model_arg)) return load_model_config(model_arg);
  ModelConfig m;
  m.path = model_arg;
  m.name = fs::path(model_arg).filename().string();
  if (m.name.empty()) m.name = fs::path(model_arg).parent_path().filename().string();
  return m;
}

}  // namespace sextant::harness
