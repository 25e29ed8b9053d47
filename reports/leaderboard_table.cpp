// Laying out the leaderboard's rows, separators and averages as text cells.
#include "reports/leaderboard_table.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/capability_dimensions.hpp"

namespace sextant::reports {

namespace {

constexpr const char* kMissing = "-";

std::vector<std::string> separator_row(const std::string& title, std::size_t columns) {
  std::vector<std::string> row(columns, kMissing);
  row[0] = fmt::format("--------- {} ---------", title);
  return row;
}

}  // namespace

std::string format_score(const std::string& metric, double value) {
  if (metric == "bits_per_byte") return fmt::format("{:.3f}", value);
  if (lower_is_better(metric)) return fmt::format("{:.2f}", value);
  return fmt::format("{:.2f}", 100 * value);
}

TextTable leaderboard_table(const Leaderboard& board) {
  TextTable t;
  t.header = {"dataset", "version", "metric", "mode"};
  for (const auto& m : board.models) t.header.push_back(m.label);
  const std::size_t columns = t.header.size();

  std::vector<std::string> dimensions;  // in row order, which is dimension order
  for (const auto& row : board.rows) {
    if (dimensions.empty() || dimensions.back() != row.dimension) {
      dimensions.push_back(row.dimension);
      t.rows.push_back(separator_row(row.dimension, columns));
    }
    std::vector<std::string> cells{row.dataset, row.versions(), row.metrics(), row.mode};
    for (const auto& cell : row.cells)
      cells.push_back(cell ? format_score(cell->score.metric, cell->score.value) : kMissing);
    t.rows.push_back(std::move(cells));
  }
  if (board.rows.empty()) return t;

  t.rows.push_back(separator_row("Average", columns));
  for (const auto& dimension : dimensions) {
    std::vector<std::string> cells{dimension, kMissing, "naive_average", kMissing};
    for (const auto& m : board.models) {
      const auto it = std::find_if(m.dimensions.begin(), m.dimensions.end(),
                                   [&](const DimensionScore& d) { return d.dimension == dimension; });
      cells.push_back(it != m.dimensions.end() ? format_score("", it->score) : kMissing);
    }
    t.rows.push_back(std::move(cells));
  }
  std::vector<std::string> overall{"Overall", kMissing, "naive_average", kMissing};
  for (const auto& m : board.models) overall.push_back(m.overall ? format_score("", *m.overall) : kMissing);
  t.rows.push_back(std::move(overall));
  return t;
}

}  // namespace sextant::reports
