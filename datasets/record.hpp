// One row of a benchmark file as the harness sees it: named fields, and where the row came from.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sextant::datasets {

struct Record {
  nlohmann::json fields = nlohmann::json::object();
  std::string origin;  // "file:line" (or "file[i]"), for error messages
};

// The value of a field; throws naming the record's origin and the field when it is absent.
const nlohmann::json& field_value(const Record& r, const std::string& name);
// A field as text: strings as they are, numbers and booleans as JSON writes them.
std::string field_text(const Record& r, const std::string& name);
// A list field as texts (a lone string is a list of one).
std::vector<std::string> field_texts(const Record& r, const std::string& name);
// A scalar JSON value as text; throws for objects and arrays.
std::string scalar_text(const nlohmann::json& v, const std::string& what);

}  // namespace sextant::datasets
