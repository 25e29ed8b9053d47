// The leaderboard as Markdown (GitHub-flavoured tables): the table alone for the terminal,
// and a whole document with how the report was made and the runs behind it.
#pragma once

#include <string>
#include <string_view>

#include "reports/leaderboard.hpp"

namespace sextant::reports {

// The leaderboard table (leaderboard_table), columns padded to line up in a terminal.
std::string markdown_table(const Leaderboard& board);

// Per scanned dataset and model: clean and contaminated sample counts and mean scores, and
// their difference; "" when no dataset of the board was scanned for contamination.
std::string contamination_table(const Leaderboard& board);

// A document: title, generation details, the leaderboard table, a note on reading it, the
// clean / contaminated split (when a dataset was scanned), and a table of the runs.
std::string markdown_report(const Leaderboard& board);

// Text made safe for a table cell: "\" and "|" escaped with a backslash, line breaks as <br>.
std::string markdown_cell(std::string_view text);

}  // namespace sextant::reports
