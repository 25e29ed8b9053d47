// Reading one JSON object of a config file with errors that name the file and the field
// ("configs/datasets/arc_easy.json: modes.zero-shot.prompt: expected a string"), and
// rejecting keys it does not know, so a typo is an error rather than a silent default.
#pragma once

#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sextant {

class ConfigObject {
 public:
  // `where` names the object: "file.json" or "file.json: modes.zero-shot".
  ConfigObject(const nlohmann::json& j, std::string where);

  bool has(const std::string& key) const { return j_.contains(key); }
  const std::string& where() const { return where_; }
  std::string where(const std::string& key) const;

  std::string text(const std::string& key) const;
  std::string text_or(const std::string& key, const std::string& fallback) const;
  long long integer_or(const std::string& key, long long fallback) const;
  double number_or(const std::string& key, double fallback) const;
  bool flag_or(const std::string& key, bool fallback) const;
  // A list of strings; a lone string is a list of one.
  std::vector<std::string> texts(const std::string& key) const;
  std::map<std::string, std::string> text_map(const std::string& key) const;
  ConfigObject object(const std::string& key) const;
  const nlohmann::json& raw(const std::string& key) const;
  const nlohmann::json& json() const { return j_; }

  // Throws naming the first key that is not in `known`.
  void reject_unknown(std::initializer_list<const char*> known) const;

 private:
  const nlohmann::json& j_;
  std::string where_;
};

// Parses a JSON file that may hold // and /* */ comments; errors name the file and line.
nlohmann::json read_json_config(const std::string& path);

}  // namespace sextant
