// Typed access to a record's fields with errors that say which row and field.
#include "datasets/record.hpp"

#include "core/error.hpp"

namespace sextant::datasets {

const nlohmann::json& field_value(const Record& r, const std::string& name) {
  const auto it = r.fields.find(name);
  if (it == r.fields.end()) fail("{}: field \"{}\" is missing", r.origin, name);
  return *it;
}

std::string scalar_text(const nlohmann::json& v, const std::string& what) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  if (v.is_null()) return "";
  fail("{}: expected a text, found {}", what, v.type_name());
}

std::string field_text(const Record& r, const std::string& name) {
  return scalar_text(field_value(r, name), r.origin + ": field \"" + name + "\"");
}

std::vector<std::string> field_texts(const Record& r, const std::string& name) {
  const auto& v = field_value(r, name);
  const std::string what = r.origin + ": field \"" + name + "\"";
  if (!v.is_array()) return {scalar_text(v, what)};
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(scalar_text(e, what));
  return out;
}

}  // namespace sextant::datasets
