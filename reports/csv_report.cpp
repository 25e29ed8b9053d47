// RFC 4180 encoding of the leaderboard table.
#include "reports/csv_report.hpp"

#include "reports/leaderboard_table.hpp"

namespace sextant::reports {

namespace {

void append_line(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_report(const Leaderboard& board) {
  const TextTable table = leaderboard_table(board);
  std::string out;
  append_line(out, table.header);
  for (const auto& row : table.rows) append_line(out, row);
  return out;
}

}  // namespace sextant::reports
