// The leaderboard as a table of text in the shape of OpenCompass's summaries: dataset,
// version, metric, mode, then one column per model; a separator row opens each dimension;
// dimension averages and an overall row close the table. CSV and Markdown encode it.
#pragma once

#include <string>
#include <vector>

#include "reports/leaderboard.hpp"

namespace sextant::reports {

struct TextTable {
  std::vector<std::string> header;             // dataset, version, metric, mode, model labels...
  std::vector<std::vector<std::string>> rows;  // each as long as the header
};

// Scores as percentages with two decimals ("45.00"), perplexity as is; "-" where a model has
// no score. Dimension rows hold each model's dimension mean (metric "naive_average", as
// OpenCompass names a group's mean), then "Overall" the mean of those.
TextTable leaderboard_table(const Leaderboard& board);

// "45.00" for 0.45; perplexity unscaled ("12.34").
std::string format_score(const std::string& metric, double value);

}  // namespace sextant::reports
