// Walking a field path through nested objects and arrays.
#include "datasets/field_path.hpp"

#include <cctype>

#include "core/error.hpp"

namespace sextant::datasets {

namespace {

std::optional<nlohmann::json> walk(const nlohmann::json& node, const std::string& path, std::size_t at) {
  if (at >= path.size()) return node;
  if (path[at] == '.') return walk(node, path, at + 1);
  if (path[at] == '[') {
    const std::size_t close = path.find(']', at);
    if (close == std::string::npos) throw UsageError("field path \"" + path + "\": '[' without ']'");
    const std::string inside = path.substr(at + 1, close - at - 1);
    for (char c : inside)
      if (!std::isdigit(static_cast<unsigned char>(c)))
        throw UsageError("field path \"" + path + "\": bad index [" + inside + "]");
    if (!node.is_array()) return std::nullopt;
    if (inside.empty()) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : node) {
        auto v = walk(e, path, close + 1);
        if (!v) return std::nullopt;
        out.push_back(std::move(*v));
      }
      return out;
    }
    const std::size_t i = std::stoul(inside);
    if (i >= node.size()) return std::nullopt;
    return walk(node[i], path, close + 1);
  }
  std::size_t end = at;
  while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
  const std::string key = path.substr(at, end - at);
  if (!node.is_object()) return std::nullopt;
  const auto it = node.find(key);
  if (it == node.end()) return std::nullopt;
  return walk(*it, path, end);
}

}  // namespace

std::optional<nlohmann::json> resolve_field_path(const nlohmann::json& root, const std::string& path) {
  if (path.empty()) throw UsageError("empty field path");
  return walk(root, path, 0);
}

}  // namespace sextant::datasets
