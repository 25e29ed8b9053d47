// GitHub-flavoured Markdown tables with escaped cells and padded columns.
#include "reports/markdown_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reports/leaderboard_table.hpp"

namespace sextant::reports {

namespace {

// Characters as a terminal shows them: UTF-8 continuation bytes take no column.
std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Header, delimiter row and body; columns from `first_numeric` on align right.
std::string render_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                         std::size_t first_numeric) {
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size() + 1);
  auto escaped = [](const std::vector<std::string>& row) {
    std::vector<std::string> out;
    for (const auto& c : row) out.push_back(markdown_cell(c));
    return out;
  };
  cells.push_back(escaped(header));
  for (const auto& r : rows) cells.push_back(escaped(r));
  std::vector<std::size_t> width(header.size(), 3);  // a delimiter needs at least "---"
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));

  auto line = [&](const std::vector<std::string>& row) {
    std::string out = "|";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - display_width(row[i]), ' ');
      out += ' ';
      if (i >= first_numeric) out += pad;
      out += row[i];
      if (i < first_numeric) out += pad;
      out += " |";
    }
    return out + "\n";
  };
  std::string out = line(cells[0]);
  out += "|";
  for (std::size_t i = 0; i < width.size(); ++i)
    out += fmt::format(" {}{} |", std::string(i >= first_numeric ? width[i] - 1 : width[i], '-'),
                       i >= first_numeric ? ":" : "");
  out += "\n";
  for (std::size_t r = 1; r < cells.size(); ++r) out += line(cells[r]);
  return out;
}

}  // namespace

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' || c == '|') {
      out += '\\';
      out += c;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out;
}

std::string markdown_table(const Leaderboard& board) {
  const TextTable table = leaderboard_table(board);
  return render_table(table.header, table.rows, 4);
}

std::string contamination_table(const Leaderboard& board) {
  std::vector<std::vector<std::string>> rows;
  auto mean = [](const std::string& metric, const SubsetScore& s) {
    return s.samples > 0 ? format_score(metric, s.mean) : std::string("-");
  };
  for (const Row& row : board.rows)
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      if (!row.cells[c] || !row.cells[c]->contamination) continue;
      const Cell& cell = *row.cells[c];
      const ContaminationSplit& split = *cell.contamination;
      const std::string& metric = cell.score.metric;
      const bool both = split.clean.samples > 0 && split.contaminated.samples > 0;
      rows.push_back({row.dataset, row.mode, board.models[c].label, metric,
                      fmt::format("{} ({}-grams)", split.shards, split.ngram), std::to_string(split.clean.samples),
                      mean(metric, split.clean), std::to_string(split.contaminated.samples),
                      mean(metric, split.contaminated),
                      both ? format_score(metric, split.contaminated.mean - split.clean.mean) : std::string("-")});
    }
  if (rows.empty()) return "";
  return render_table({"dataset", "mode", "model", "metric", "shards", "clean samples", "clean", "contaminated samples",
                       "contaminated", "contaminated - clean"},
                      rows, 5);
}

std::string markdown_report(const Leaderboard& board) {
  const ReportContext& c = board.context;
  std::string out = "# Sextant report\n\n";
  out +=
      markdown_cell(fmt::format("Generated at {} by sextant {} (git {}) on {} ({}, {} cores).", c.generated_at,
                                c.sextant_version, c.git_revision, c.machine.hostname, c.machine.cpu, c.machine.cores));
  out += "\n\n";
  if (board.started_at)
    out += markdown_cell(fmt::format("{} run(s) from {} to {}, read from {} store(s).", board.runs.size(),
                                     *board.started_at, board.finished_at.value_or("(a run is unfinished)"),
                                     board.stores.size()));
  else
    out += markdown_cell(fmt::format("No runs in the {} store(s) read.", board.stores.size()));
  out += "\n\n## Leaderboard\n\n";
  out += markdown_table(board);
  out +=
      "\nScores are percentages (perplexity as is). A dimension's score is the mean of its datasets' scores, "
      "Overall the mean of the dimensions (each weighs the same). Version is the short hash of the dataset mode's "
      "config (prompt, inferencer, metric, chat setting): scores with different versions, joined by \"/\", did not "
      "come from the same prompts. Where several runs scored a model on a dataset and mode, the latest counts.\n";

  if (const std::string split = contamination_table(board); !split.empty()) {
    out += "\n## Clean and contaminated items\n\n";
    out += split;
    out +=
        "\nFor datasets scanned by `sextant data contamination`: each model's samples split by the dataset's latest "
        "scan into the items whose n-grams the training shards hold (contaminated) and the others (clean), with the "
        "mean of the samples' scores in each. For a corpus-level metric (BLEU, chrF) the means are of per-sample "
        "scores, not the headline value.\n";
  }

  out += "\n## Runs\n\n";
  std::vector<std::vector<std::string>> runs;
  for (std::size_t i = 0; i < board.runs.size(); ++i) {
    const ReportRun& r = board.runs[i];
    runs.push_back({std::to_string(i), board.stores[r.store], std::to_string(r.run.id), r.run.model,
                    r.run.model_identity, r.run.started_at, r.run.finished_at.value_or("-"),
                    r.run.suite.empty() ? "-" : r.run.suite, r.run.command});
  }
  out += render_table({"#", "store", "run", "model", "identity", "started", "finished", "suite", "command"}, runs,
                      std::string::npos);
  return out;
}

}  // namespace sextant::reports
