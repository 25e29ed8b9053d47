// Reading JSON files (Hugging Face config.json, tokenizer.json, safetensors indexes).
#include "runtime/formats/json_file.hpp"

#include <fstream>
#include <iterator>

#include "core/error.hpp"

namespace sextant::runtime {

JsonFile::JsonFile(const std::string& path) : path_(path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path);
  const std::string text(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) fail("{}: cannot read", path);
  try {
    root_ = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not valid JSON: {}", path, e.what());
  }
  if (!root_.is_object()) fail("{}: the top level is a JSON {}, expected an object", path, root_.type_name());
}

const nlohmann::json* JsonFile::find(const std::string& field) const {
  const nlohmann::json* v = &root_;
  for (std::size_t start = 0; start <= field.size();) {
    const std::size_t dot = std::min(field.find('.', start), field.size());
    if (!v->is_object()) return nullptr;
    auto it = v->find(field.substr(start, dot - start));
    if (it == v->end()) return nullptr;
    v = &*it;
    start = dot + 1;
  }
  return v->is_null() ? nullptr : v;
}

const nlohmann::json& JsonFile::require(const std::string& field) const {
  const nlohmann::json* v = find(field);
  if (!v) fail("{}: {} is missing", path_, field);
  return *v;
}

std::int64_t JsonFile::get_int(const std::string& field) const {
  const nlohmann::json& v = require(field);
  if (!v.is_number_integer()) fail("{}: {} is {}, expected an integer", path_, field, json_excerpt(v));
  return v.get<std::int64_t>();
}

std::int64_t JsonFile::get_int(const std::string& field, std::int64_t fallback) const {
  return has(field) ? get_int(field) : fallback;
}

double JsonFile::get_float(const std::string& field) const {
  const nlohmann::json& v = require(field);
  if (!v.is_number()) fail("{}: {} is {}, expected a number", path_, field, json_excerpt(v));
  return v.get<double>();
}

double JsonFile::get_float(const std::string& field, double fallback) const {
  return has(field) ? get_float(field) : fallback;
}

bool JsonFile::get_bool(const std::string& field, bool fallback) const {
  const nlohmann::json* v = find(field);
  if (!v) return fallback;
  if (!v->is_boolean()) fail("{}: {} is {}, expected true or false", path_, field, json_excerpt(*v));
  return v->get<bool>();
}

std::string JsonFile::get_string(const std::string& field) const {
  const nlohmann::json& v = require(field);
  if (!v.is_string()) fail("{}: {} is {}, expected a string", path_, field, json_excerpt(v));
  return v.get<std::string>();
}

std::string JsonFile::get_string(const std::string& field, const std::string& fallback) const {
  return has(field) ? get_string(field) : fallback;
}

std::string json_excerpt(const nlohmann::json& value, std::size_t max_chars) {
  std::string s = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > max_chars) s = s.substr(0, max_chars) + "...";
  return s;
}

}  // namespace sextant::runtime
