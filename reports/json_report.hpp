// The leaderboard as JSON, in the shape reports/report.schema.json documents field by field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/leaderboard.hpp"

namespace sextant::reports {

// Bumped when a field changes meaning or goes away (adding one does not bump it).
inline constexpr int kReportFormatVersion = 1;

// Keys in the order the schema documents them (format first, datasets last), for readers of the file.
nlohmann::ordered_json report_json(const Leaderboard& board);

// report_json indented by two spaces, with a final newline; bytes that are not UTF-8 (a model
// name, a command line) are replaced rather than refused.
std::string json_report(const Leaderboard& board);

}  // namespace sextant::reports
