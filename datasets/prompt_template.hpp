// Prompt templates: "{field}" takes a record's field, "{field|filter|filter:arg}" transforms
// it, "{{" and "}}" are literal braces. Filters:
//   lower, upper, strip          case and surrounding white space
//   words                        "high_school_physics" -> "high school physics"
//   before:X, after:X            the text before / after the first X ("_" in WinoGrande)
//   before_last:X, after_last:X  the same at the last X (LAMBADA's last word)
//   replace:A=>B                 every A replaced by B
//   remove_spans:A,B             every span from A to B removed (GSM8K's <<48/2=24>> notes)
//   join:X                       a list joined with X (a newline is written "\n" in JSON)
//   options                      a list as "A. first\nB. second\n..." (lettered choices)
//   letter                       an index 0, 1, ... as A, B, ...
#pragma once

#include <string>

#include "datasets/record.hpp"

namespace sextant::datasets {

// Throws naming the record's origin and the field or filter at fault.
std::string render_template(const std::string& tmpl, const Record& record);

// The fields a template reads (to check a config before any row is loaded).
std::vector<std::string> template_fields(const std::string& tmpl);

}  // namespace sextant::datasets
