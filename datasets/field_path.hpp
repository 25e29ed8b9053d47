// Paths into nested JSON rows ("question.stem", "question.choices[].text", "answers[0]"), so a
// dataset config can map an upstream file's shape onto the fields its templates use.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sextant::datasets {

// The value at `path`, or nothing when a step is missing. "[]" maps the rest of the path
// over every element of an array; "[N]" takes one element. Throws UsageError on a
// malformed path.
std::optional<nlohmann::json> resolve_field_path(const nlohmann::json& root, const std::string& path);

}  // namespace sextant::datasets
