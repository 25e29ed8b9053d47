// A JSON file read whole, with typed field access whose errors name the file and the field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace sextant::runtime {

class JsonFile {
 public:
  // Throws sextant::Error naming the file when it cannot be read or is not JSON.
  explicit JsonFile(const std::string& path);

  const std::string& path() const { return path_; }
  const nlohmann::json& root() const { return root_; }

  // The value at a dotted field path ("rope_scaling.factor"), or null when it is absent or
  // JSON null: Hugging Face files write null for "not set".
  const nlohmann::json* find(const std::string& field) const;
  bool has(const std::string& field) const { return find(field) != nullptr; }

  // Typed accessors: throw naming the file and field when absent (without a fallback) or
  // of the wrong type.
  std::int64_t get_int(const std::string& field) const;
  std::int64_t get_int(const std::string& field, std::int64_t fallback) const;
  double get_float(const std::string& field) const;
  double get_float(const std::string& field, double fallback) const;
  bool get_bool(const std::string& field, bool fallback) const;
  std::string get_string(const std::string& field) const;
  std::string get_string(const std::string& field, const std::string& fallback) const;

 private:
  const nlohmann::json& require(const std::string& field) const;

  std::string path_;
  nlohmann::json root_;
};

// A short rendering of a JSON value for error messages.
std::string json_excerpt(const nlohmann::json& value, std::size_t max_chars = 160);

}  // namespace sextant::runtime
