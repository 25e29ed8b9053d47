// The leaderboard table as CSV (RFC 4180), for spreadsheets and pandas.
#pragma once

#include <string>
#include <string_view>

#include "reports/leaderboard.hpp"

namespace sextant::reports {

// One line per row of leaderboard_table, header first, each ended by CRLF as RFC 4180 says.
std::string csv_report(const Leaderboard& board);

// A field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a quote,
// a CR or an LF; as it is otherwise.
std::string csv_field(std::string_view text);

}  // namespace sextant::reports
