// Typed, checked access to config objects, and reading config files with comments.
#include "core/config_object.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "core/error.hpp"

namespace sextant {

ConfigObject::ConfigObject(const nlohmann::json& j, std::string where) : j_(j), where_(std::move(where)) {
  if (!j_.is_object()) fail("{}: expected an object, found {}", where_, j_.type_name());
}

std::string ConfigObject::where(const std::string& key) const {
  const auto colon = where_.find(": ");
  return colon == std::string::npos ? where_ + ": " + key : where_ + "." + key;
}

const nlohmann::json& ConfigObject::raw(const std::string& key) const {
  const auto it = j_.find(key);
  if (it == j_.end()) fail("{}: missing", where(key));
  return *it;
}

std::string ConfigObject::text(const std::string& key) const {
  const auto& v = raw(key);
  if (!v.is_string()) fail("{}: expected a string, found {}", where(key), v.type_name());
  return v.get<std::string>();
}

std::string ConfigObject::text_or(const std::string& key, const std::string& fallback) const {
  return has(key) ? text(key) : fallback;
}

long long ConfigObject::integer_or(const std::string& key, long long fallback) const {
  if (!has(key)) return fallback;
  const auto& v = raw(key);
  if (!v.is_number_integer()) fail("{}: expected an integer, found {}", where(key), v.dump());
  return v.get<long long>();
}

double ConfigObject::number_or(const std::string& key, double fallback) const {
  if (!has(key)) return fallback;
  const auto& v = raw(key);
  if (!v.is_number()) fail("{}: expected a number, found {}", where(key), v.dump());
  return v.get<double>();
}

bool ConfigObject::flag_or(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& v = raw(key);
  if (!v.is_boolean()) fail("{}: expected true or false, found {}", where(key), v.dump());
  return v.get<bool>();
}

std::vector<std::string> ConfigObject::texts(const std::string& key) const {
  const auto& v = raw(key);
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array()) fail("{}: expected a list of strings, found {}", where(key), v.type_name());
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) fail("{}: expected a list of strings, found {} in it", where(key), e.dump());
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> ConfigObject::text_map(const std::string& key) const {
  const auto& v = raw(key);
  if (!v.is_object()) fail("{}: expected an object of strings, found {}", where(key), v.type_name());
  std::map<std::string, std::string> out;
  for (const auto& [k, e] : v.items()) {
    if (!e.is_string()) fail("{}.{}: expected a string, found {}", where(key), k, e.dump());
    out[k] = e.get<std::string>();
  }
  return out;
}

ConfigObject ConfigObject::object(const std::string& key) const { return ConfigObject(raw(key), where(key)); }

void ConfigObject::reject_unknown(std::initializer_list<const char*> known) const {
  for (const auto& item : j_.items()) {
    const std::string& k = item.key();
    if (std::none_of(known.begin(), known.end(), [&](const char* name) { return k == name; })) {
      std::string list;
      for (const char* name : known) list += (list.empty() ? "" : ", ") + std::string(name);
      fail("{}: unknown key (known: {})", where(k), list);
    }
  }
}

nlohmann::json read_json_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return nlohmann::json::parse(text, nullptr, true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based; turn it into a line number a user can go to.
    const std::size_t upto = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(upto), '\n');
    fail("{}:{}: not valid JSON: {}", path, line, e.what());
  }
}

}  // namespace sextant
