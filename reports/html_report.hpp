// The leaderboard as one self-contained HTML page: a sortable, filterable table, a radar chart
// per model, score-versus-step curves of training checkpoints, and each dataset's samples with
// a paired comparison of two models. The data sits in the page as JSON; the page's own script
// draws everything (inline SVG), and its Content-Security-Policy forbids every request.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/leaderboard.hpp"
#include "reports/store_reader.hpp"

namespace sextant::reports {

// Samples embedded per model and dataset unless `sextant report --samples N` says otherwise.
inline constexpr std::size_t kDefaultHtmlSamples = 200;
// An embedded text (prompt, output, answer, reference, detail) longer than this is cut: a
// prompt keeps its end, where the question is, the others their start.
inline constexpr std::size_t kMaxEmbeddedTextBytes = 4000;
// Up to this many models scored on a dataset, every pair is compared; beyond it, each model
// with the next one in column order (n - 1 pairs instead of n (n - 1) / 2).
inline constexpr std::size_t kMaxAllPairsModels = 8;

// The samples behind the leaderboard's cells, [row][model] as Row::cells; absent where the
// cell is. Each holds every sample's score and the first `limit` samples in full.
struct ReportSamples {
  std::size_t limit = 0;
  std::vector<std::vector<std::optional<TaskSamples>>> cells;
};

// Reads each cell's task from the store its run came from.
ReportSamples read_report_samples(const Leaderboard& board, std::size_t limit);

// What the page's script draws from (the JSON inside the page).
nlohmann::ordered_json html_report_data(const Leaderboard& board, const ReportSamples& samples);

// The whole page.
std::string html_report(const Leaderboard& board, const ReportSamples& samples);

// JSON text that can sit inside a <script> element: "<", ">", "&", U+2028 and U+2029 written
// as \u escapes, so no text in it can close the element or open a comment; bytes that are not
// UTF-8 are replaced.
std::string script_safe_json(const nlohmann::ordered_json& data);

}  // namespace sextant::reports
