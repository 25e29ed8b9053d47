// A recursive walk of document and schema together, collecting every violation.
#include "reports/json_schema_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.hpp"

namespace sextant::reports {

namespace {

using nlohmann::json;

// Keywords that only describe (or hold definitions for $ref); they check nothing.
const std::set<std::string> kAnnotations = {"$schema", "$id",         "$defs",   "definitions", "$comment",
                                            "title",   "description", "default", "examples"};
const std::set<std::string> kChecks = {"type",     "properties", "required", "additionalProperties",
                                       "items",    "enum",       "minimum",  "maximum",
                                       "minItems", "maxItems",   "$ref"};

// Nested $refs without a step into the document would recurse forever ({"$ref": "#"}).
constexpr int kMaxRefDepth = 64;

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    default:
      return "binary";
  }
}

bool has_type(const json& v, const std::string& type) {
  if (type == "number") return v.is_number();
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return std::isfinite(d) && d == std::floor(d);
  }
  return type_name(v) == type;
}

// A JSON Pointer segment: "~" and "/" escaped as RFC 6901 says.
std::string pointer_segment(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string shown(const std::string& where) { return where.empty() ? "(root)" : where; }

void check_known_keywords(const json& schema, const std::string& where) {
  if (!schema.is_object()) fail("schema {}: expected an object or a boolean", shown(where));
  for (const auto& [keyword, argument] : schema.items())
    if (!kAnnotations.count(keyword) && !kChecks.count(keyword))
      fail("schema {}: keyword \"{}\" is not supported by this validator", shown(where), keyword);
}

// Every subschema, whether a given document reaches it or not, uses only the supported keywords.
void check_keywords(const json& schema, const std::string& where) {
  if (schema.is_boolean()) return;
  check_known_keywords(schema, where);
  for (const auto& [keyword, argument] : schema.items()) {
    const std::string inner = where + "/" + pointer_segment(keyword);
    if (keyword == "properties" || keyword == "$defs" || keyword == "definitions") {
      if (!argument.is_object()) fail("schema {}: expected an object", inner);
      for (const auto& [name, sub] : argument.items()) check_keywords(sub, inner + "/" + pointer_segment(name));
    } else if (keyword == "items" || keyword == "additionalProperties") {
      if (argument.is_array()) fail("schema {}: a list of schemas (tuple form) is not supported", inner);
      check_keywords(argument, inner);
    }
  }
}

class Checker {
 public:
  explicit Checker(const json& root) : root_(root) {}

  void check(const json& value, const json& schema, const std::string& where, const std::string& schema_where,
             int ref_depth) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) report(where, "no value is allowed here");
      return;
    }
    check_known_keywords(schema, schema_where);  // a $ref may lead outside the subschemas checked up front
    if (auto ref = schema.find("$ref"); ref != schema.end()) {
      if (ref_depth >= kMaxRefDepth) fail("schema {}: $ref nests too deeply", shown(schema_where));
      const std::string target = ref->get<std::string>();
      check(value, resolve(target, schema_where), where, target.substr(1), ref_depth + 1);
    }
    if (auto type = schema.find("type"); type != schema.end()) check_type(value, *type, where, schema_where);
    if (auto options = schema.find("enum"); options != schema.end()) {
      if (std::find(options->begin(), options->end(), value) == options->end())
        report(where, fmt::format("{} is not one of {}", value.dump(), options->dump()));
    }
    if (value.is_number()) {
      const double x = value.get<double>();
      if (auto m = schema.find("minimum"); m != schema.end() && x < m->get<double>())
        report(where, fmt::format("{} is below the minimum {}", value.dump(), m->dump()));
      if (auto m = schema.find("maximum"); m != schema.end() && x > m->get<double>())
        report(where, fmt::format("{} is above the maximum {}", value.dump(), m->dump()));
    }
    if (value.is_object()) check_object(value, schema, where, schema_where);
    if (value.is_array()) check_array(value, schema, where, schema_where);
  }

  std::vector<std::string> violations() && { return std::move(violations_); }

 private:
  void report(const std::string& where, const std::string& what) {
    violations_.push_back(fmt::format("{}: {}", shown(where), what));
  }

  const json& resolve(const std::string& ref, const std::string& schema_where) const {
    if (ref.empty() || ref[0] != '#')
      fail("schema {}: $ref \"{}\" is not a pointer into this schema (#/...)", shown(schema_where), ref);
    try {
      return root_.at(json::json_pointer(ref.substr(1)));
    } catch (const json::exception&) {
      fail("schema {}: $ref \"{}\" points at nothing", shown(schema_where), ref);
    }
  }

  void check_type(const json& value, const json& type, const std::string& where, const std::string& schema_where) {
    std::vector<std::string> allowed;
    if (type.is_string()) {
      allowed.push_back(type.get<std::string>());
    } else if (type.is_array()) {
      for (const auto& t : type) allowed.push_back(t.get<std::string>());
    } else {
      fail("schema {}/type: expected a type name or a list of them", shown(schema_where));
    }
    if (std::any_of(allowed.begin(), allowed.end(), [&](const std::string& t) { return has_type(value, t); })) return;
    std::string names;
    for (const auto& t : allowed) names += (names.empty() ? "" : " or ") + t;
    report(where, fmt::format("expected {}, got {}", names, type_name(value)));
  }

  // Members and items start a fresh count of nested $refs: the walk has moved into the document.
  void check_object(const json& value, const json& schema, const std::string& where, const std::string& schema_where) {
    if (auto required = schema.find("required"); required != schema.end())
      for (const auto& name : *required)
        if (!value.contains(name.get<std::string>()))
          report(where, fmt::format("missing required property \"{}\"", name.get<std::string>()));
    const auto properties = schema.find("properties");
    const auto additional = schema.find("additionalProperties");
    for (const auto& [key, member] : value.items()) {
      const std::string member_where = where + "/" + pointer_segment(key);
      if (properties != schema.end() && properties->contains(key)) {
        check(member, properties->at(key), member_where, schema_where + "/properties/" + pointer_segment(key), 0);
      } else if (additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>())
          report(where, fmt::format("unexpected property \"{}\"", key));
        else
          check(member, *additional, member_where, schema_where + "/additionalProperties", 0);
      }
    }
  }

  void check_array(const json& value, const json& schema, const std::string& where, const std::string& schema_where) {
    if (auto m = schema.find("minItems"); m != schema.end() && value.size() < m->get<std::size_t>())
      report(where, fmt::format("has {} item(s), fewer than {}", value.size(), m->get<std::size_t>()));
    if (auto m = schema.find("maxItems"); m != schema.end() && value.size() > m->get<std::size_t>())
      report(where, fmt::format("has {} item(s), more than {}", value.size(), m->get<std::size_t>()));
    if (auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        check(value[i], *items, where + "/" + std::to_string(i), schema_where + "/items", 0);
    }
  }

  const json& root_;
  std::vector<std::string> violations_;
};

}  // namespace

std::vector<std::string> schema_violations(const nlohmann::json& document, const nlohmann::json& schema) {
  check_keywords(schema, "");
  Checker checker(schema);
  try {
    checker.check(document, schema, "", "", 0);
  } catch (const nlohmann::json::exception& e) {
    fail("schema: a keyword has an argument of the wrong type: {}", e.what());
  }
  return std::move(checker).violations();
}

}  // namespace sextant::reports
