// A small JSON Schema validator for the subset the report schema uses: type, properties,
// required, additionalProperties, items, enum, minimum, maximum, minItems, maxItems and $ref
// to a pointer inside the same schema ("#/$defs/run"); enough for tests to check that every
// report matches reports/report.schema.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sextant::reports {

// Where `document` breaks `schema`, one message per violation naming the JSON Pointer of the
// offending value ("/models/0/overall: expected number or null, got string"); empty when it
// conforms. Annotations (title, description, $schema, $id, $comment, default, examples) are
// ignored; any other keyword outside the subset throws sextant::Error naming it, so the
// schema cannot promise a check that nothing makes.
std::vector<std::string> schema_violations(const nlohmann::json& document, const nlohmann::json& schema);

}  // namespace sextant::reports
