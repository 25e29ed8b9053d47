// Building the JSON report from the leaderboard, one function per object kind.
#include "reports/json_report.hpp"

namespace sextant::reports {

namespace {

using json = nlohmann::ordered_json;

json optional_text(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json metric_json(const MetricValue& m) {
  return {{"metric", m.metric}, {"value", m.value}, {"ci95", {m.ci_low, m.ci_high}}, {"samples", m.samples}};
}

json run_json(const ReportRun& r) {
  return {{"store", r.store},
          {"id", r.run.id},
          {"model", r.run.model},
          {"model_path", r.run.model_path},
          {"model_identity", r.run.model_identity},
          {"started_at", r.run.started_at},
          {"finished_at", optional_text(r.run.finished_at)},
          {"command", r.run.command},
          {"suite", r.run.suite}};
}

json model_json(const ModelColumn& m) {
  json dimensions = json::array();
  for (const auto& d : m.dimensions)
    dimensions.push_back({{"dimension", d.dimension}, {"score", d.score}, {"datasets", d.datasets}});
  return {{"label", m.label},
          {"name", m.name},
          {"identity", m.identity},
          {"path", m.path},
          {"runs", m.runs},
          {"dimensions", dimensions},
          {"overall", m.overall ? json(*m.overall) : json(nullptr)}};
}

json subset_json(const SubsetScore& s) {
  return {{"samples", s.samples}, {"mean_score", s.samples > 0 ? json(s.mean) : json(nullptr)}};
}

json contamination_json(const ContaminationSplit& c) {
  return {{"shards", c.shards},
          {"shards_path", c.shards_path},
          {"ngram", c.ngram},
          {"min_overlap", c.min_overlap},
          {"clean", subset_json(c.clean)},
          {"contaminated", subset_json(c.contaminated)},
          {"unscanned_samples", c.unscanned}};
}

json row_json(const Row& row, const std::vector<ModelColumn>& models) {
  json scores = json::array();
  for (std::size_t c = 0; c < row.cells.size(); ++c) {
    if (!row.cells[c]) continue;
    const Cell& cell = *row.cells[c];
    json score = metric_json(cell.score);
    score["model"] = models[c].label;
    score["version"] = cell.version;
    score["task_hash"] = cell.task_hash;
    score["run"] = cell.run;
    score["other_metrics"] = json::array();
    for (const auto& m : cell.other_metrics) score["other_metrics"].push_back(metric_json(m));
    if (cell.contamination) score["contamination"] = contamination_json(*cell.contamination);
    scores.push_back(std::move(score));
  }
  return {{"dataset", row.dataset}, {"mode", row.mode}, {"dimension", row.dimension}, {"scores", scores}};
}

}  // namespace

nlohmann::ordered_json report_json(const Leaderboard& board) {
  const ReportContext& c = board.context;
  json j;
  j["format"] = "sextant-report";
  j["format_version"] = kReportFormatVersion;
  j["generated"] = {
      {"at", c.generated_at},
      {"sextant_version", c.sextant_version},
      {"git_revision", c.git_revision},
      {"machine", {{"hostname", c.machine.hostname}, {"cpu", c.machine.cpu}, {"cores", c.machine.cores}}}};
  j["started_at"] = optional_text(board.started_at);
  j["finished_at"] = optional_text(board.finished_at);
  j["stores"] = board.stores;
  j["runs"] = json::array();
  for (const auto& r : board.runs) j["runs"].push_back(run_json(r));
  j["models"] = json::array();
  for (const auto& m : board.models) j["models"].push_back(model_json(m));
  j["datasets"] = json::array();
  for (const auto& row : board.rows) j["datasets"].push_back(row_json(row, board.models));
  return j;
}

std::string json_report(const Leaderboard& board) {
  return report_json(board).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sextant::reports
