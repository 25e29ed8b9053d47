// The leaderboard as Markdown (GitHub-flavoured tables): the table alone for the terminal,
// and a whole document with how the report was made and the runs behind it.
#pragma once

#include <string>
#include <string_view>

#include "reports/leaderboard.hpp"

namespace sextant::reports {

// The leaderboard table (leaderboard_table), columns padded to line up in a terminal.
std::string markdown_table(const Leaderboard& board);

// A document: title, generation details, the leaderboard table, a note on reading it, and a
// table of the runs.
std::string markdown_report(const Leaderboard& board);

// Text made safe for a table cell: "\" and "|" escaped with a backslash, line breaks as <br>.
std::string markdown_cell(std::string_view text);

}  // namespace sextant::reports
