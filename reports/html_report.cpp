// Turning the leaderboard and its samples into the page's JSON, and the JSON into the page.
#include "reports/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "metrics/confidence_interval.hpp"
#include "reports/html_template.hpp"
#include "reports/leaderboard_table.hpp"
#include "reports/paired_comparison.hpp"

namespace sextant::reports {

namespace {

using json = nlohmann::ordered_json;

// Each distinct text once: a few-shot prompt is the same for every model on a dataset.
class StringPool {
 public:
  std::size_t add(const std::string& text) {
    const auto [it, added] = index_.try_emplace(text, texts_.size());
    if (added) texts_.push_back(text);
    return it->second;
  }
  const std::vector<std::string>& texts() const { return texts_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> texts_;
};

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// At most kMaxEmbeddedTextBytes of the text, cut at a character boundary, saying how much went.
std::string cut_text(const std::string& text, bool keep_end) {
  if (text.size() <= kMaxEmbeddedTextBytes) return text;
  const std::string mark = fmt::format("[… {} bytes cut …]", text.size() - kMaxEmbeddedTextBytes);
  if (keep_end) {
    std::size_t start = text.size() - kMaxEmbeddedTextBytes;
    while (start < text.size() && is_continuation_byte(text[start])) ++start;
    return mark + "\n" + text.substr(start);
  }
  std::size_t end = kMaxEmbeddedTextBytes;
  while (end > 0 && is_continuation_byte(text[end])) --end;
  return text.substr(0, end) + "\n" + mark;
}

// NaN (a one-sample interval) has no JSON form.
json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string display_score(const std::string& metric, double value) {
  return std::isfinite(value) ? format_score(metric, value) : "-";
}

// A dimension's score is the mean of its datasets' scores; taking them as independent, its
// standard error is sqrt(sum of se_i^2) / k, each se_i read back from the dataset's 95% interval.
std::optional<std::pair<double, double>> dimension_interval(const Leaderboard& board, std::size_t column,
                                                            const DimensionScore& d) {
  double variance = 0.0;
  int k = 0;
  for (const auto& row : board.rows) {
    if (row.dimension != d.dimension || !row.cells[column]) continue;
    const MetricValue& s = row.cells[column]->score;
    const double se = (s.ci_high - s.ci_low) / (2 * metrics::kNormalQuantile975);
    if (!std::isfinite(se)) return std::nullopt;
    variance += se * se;
    ++k;
  }
  if (k == 0) return std::nullopt;
  const double half = metrics::kNormalQuantile975 * std::sqrt(variance) / k;
  return std::make_pair(d.score - half, d.score + half);
}

json model_json(const Leaderboard& board, std::size_t column) {
  const ModelColumn& m = board.models[column];
  json dimensions = json::array();
  for (const auto& d : m.dimensions) {
    const auto ci = dimension_interval(board, column, d);
    dimensions.push_back({{"dimension", d.dimension},
                          {"value", d.score},
                          {"display", display_score("naive_average", d.score)},
                          {"low", ci ? json(ci->first) : json(nullptr)},
                          {"high", ci ? json(ci->second) : json(nullptr)},
                          {"datasets", d.datasets}});
  }
  json overall = nullptr;
  if (m.overall) overall = {{"value", *m.overall}, {"display", display_score("naive_average", *m.overall)}};
  return {{"label", m.label},
          {"name", m.name},
          {"identity", m.identity},
          {"path", m.path},
          {"step", m.step ? json(*m.step) : json(nullptr)},
          {"runs", m.runs},
          {"dimensions", dimensions},
          {"overall", overall}};
}

json metric_json(const MetricValue& m) {
  return {{"metric", m.metric},
          {"value", number_or_null(m.value)},
          {"low", number_or_null(m.ci_low)},
          {"high", number_or_null(m.ci_high)},
          {"samples", m.samples}};
}

json cell_json(const Cell& cell, const std::optional<TaskSamples>& samples) {
  json j = metric_json(cell.score);
  j["display"] = display_score(cell.score.metric, cell.score.value);
  j["version"] = cell.version;
  j["task_hash"] = cell.task_hash;
  j["run"] = cell.run;
  j["other"] = json::array();
  for (const auto& m : cell.other_metrics) j["other"].push_back(metric_json(m));
  j["stored_samples"] = samples ? samples->scores.size() : 0;
  if (cell.contamination) {
    const ContaminationSplit& c = *cell.contamination;
    auto subset = [&](const SubsetScore& s) {
      return json{{"samples", s.samples},
                  {"display", s.samples > 0 ? display_score(cell.score.metric, s.mean) : std::string("–")}};
    };
    j["contamination"] = {{"shards", c.shards},
                          {"ngram", c.ngram},
                          {"min_overlap", c.min_overlap},
                          {"clean", subset(c.clean)},
                          {"contaminated", subset(c.contaminated)},
                          {"unscanned", c.unscanned}};
  }
  return j;
}

// A sample as [item, prompt, output, answer, reference, score, flags, detail]: texts are
// indices into the pool, flags bit 0 "an answer was extracted", bit 1 "the prompt was cut".
json sample_json(const StoredSample& s, StringPool& pool) {
  const int flags = (s.extracted ? 1 : 0) | (s.truncated ? 2 : 0);
  const std::string detail = s.detail == "{}" ? std::string() : s.detail;
  return json::array({s.item_index, pool.add(cut_text(s.prompt, true)), pool.add(cut_text(s.output, false)),
                      pool.add(cut_text(s.answer, false)), pool.add(cut_text(s.reference, false)),
                      number_or_null(s.score), flags, pool.add(cut_text(detail, false))});
}

json comparison_json(std::size_t row, std::size_t a, std::size_t b, const PairedComparison& c) {
  return {{"row", row},
          {"a", a},
          {"b", b},
          {"shared", c.shared},
          {"a_better", c.a_better},
          {"b_better", c.b_better},
          {"both_full", c.both_full},
          {"both_zero", c.both_zero},
          {"tied_other", c.tied_other},
          {"binary", c.binary},
          {"difference", number_or_null(c.test.difference)},
          {"low", number_or_null(c.test.lower)},
          {"high", number_or_null(c.test.upper)},
          {"p_value", number_or_null(c.test.p_value)}};
}

// Pairs of models to compare on a row: all of them for a few models, neighbours for many.
std::vector<std::pair<std::size_t, std::size_t>> pairs_to_compare(const std::vector<std::size_t>& models) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  if (models.size() <= kMaxAllPairsModels) {
    for (std::size_t i = 0; i < models.size(); ++i)
      for (std::size_t j = i + 1; j < models.size(); ++j) pairs.emplace_back(models[i], models[j]);
  } else {
    for (std::size_t i = 0; i + 1 < models.size(); ++i) pairs.emplace_back(models[i], models[i + 1]);
  }
  return pairs;
}

// The five dimensions (the radar's axes, even where nothing scored one), then any other in row order.
json dimensions_json(const Leaderboard& board) {
  std::vector<std::string> names(std::begin(kDimensionOrder), std::end(kDimensionOrder));
  for (const auto& row : board.rows)
    if (std::find(names.begin(), names.end(), row.dimension) == names.end()) names.push_back(row.dimension);
  return names;
}

}  // namespace

ReportSamples read_report_samples(const Leaderboard& board, std::size_t limit) {
  ReportSamples samples;
  samples.limit = limit;
  for (const auto& row : board.rows) {
    auto& cells = samples.cells.emplace_back(row.cells.size());
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      if (!row.cells[c]) continue;
      const std::string& store = board.stores[board.runs[row.cells[c]->run].store];
      cells[c] = read_task_samples(store, row.cells[c]->task_hash, limit);
    }
  }
  return samples;
}

nlohmann::ordered_json html_report_data(const Leaderboard& board, const ReportSamples& samples) {
  const ReportContext& ctx = board.context;
  const auto samples_of = [&](std::size_t r, std::size_t c) -> const std::optional<TaskSamples>& {
    static const std::optional<TaskSamples> kNone;
    return r < samples.cells.size() && c < samples.cells[r].size() ? samples.cells[r][c] : kNone;
  };

  json j;
  j["generated"] = {
      {"at", ctx.generated_at},
      {"sextant_version", ctx.sextant_version},
      {"git_revision", ctx.git_revision},
      {"machine", {{"hostname", ctx.machine.hostname}, {"cpu", ctx.machine.cpu}, {"cores", ctx.machine.cores}}}};
  j["started_at"] = board.started_at ? json(*board.started_at) : json(nullptr);
  j["finished_at"] = board.finished_at ? json(*board.finished_at) : json(nullptr);
  j["stores"] = board.stores;
  j["dimensions"] = dimensions_json(board);
  j["models"] = json::array();
  for (std::size_t c = 0; c < board.models.size(); ++c) j["models"].push_back(model_json(board, c));

  j["rows"] = json::array();
  for (std::size_t r = 0; r < board.rows.size(); ++r) {
    const Row& row = board.rows[r];
    json cells = json::array();
    for (std::size_t c = 0; c < row.cells.size(); ++c)
      cells.push_back(row.cells[c] ? cell_json(*row.cells[c], samples_of(r, c)) : json(nullptr));
    j["rows"].push_back({{"dataset", row.dataset},
                         {"mode", row.mode},
                         {"dimension", row.dimension},
                         {"metrics", row.metrics()},
                         {"versions", row.versions()},
                         {"cells", cells}});
  }

  j["runs"] = json::array();
  for (const auto& r : board.runs)
    j["runs"].push_back({{"store", r.store},
                         {"id", r.run.id},
                         {"model", r.run.model},
                         {"model_identity", r.run.model_identity},
                         {"started_at", r.run.started_at},
                         {"finished_at", r.run.finished_at ? json(*r.run.finished_at) : json(nullptr)},
                         {"command", r.run.command},
                         {"suite", r.run.suite}});

  StringPool pool;
  json sample_cells = json::array();
  json comparisons = json::array();
  const metrics::BootstrapOptions bootstrap;
  for (std::size_t r = 0; r < board.rows.size(); ++r) {
    json row_samples = json::array();
    std::vector<std::size_t> scored;
    for (std::size_t c = 0; c < board.rows[r].cells.size(); ++c) {
      const auto& task = samples_of(r, c);
      if (!task) {
        row_samples.push_back(nullptr);
        continue;
      }
      json list = json::array();
      for (const auto& s : task->samples) list.push_back(sample_json(s, pool));
      row_samples.push_back(std::move(list));
      if (!task->scores.empty()) scored.push_back(c);
    }
    sample_cells.push_back(std::move(row_samples));
    for (const auto& [a, b] : pairs_to_compare(scored))
      if (const auto c = compare_paired(samples_of(r, a)->scores, samples_of(r, b)->scores, bootstrap))
        comparisons.push_back(comparison_json(r, a, b, *c));
  }
  j["samples"] = {{"limit", samples.limit},
                  {"text_limit", kMaxEmbeddedTextBytes},
                  {"strings", pool.texts()},
                  {"cells", std::move(sample_cells)}};
  j["comparisons"] = std::move(comparisons);
  j["bootstrap"] = {
      {"resamples", bootstrap.resamples}, {"seed", bootstrap.seed}, {"all_pairs_up_to", kMaxAllPairsModels}};
  return j;
}

std::string script_safe_json(const nlohmann::ordered_json& data) {
  const std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";  // line and paragraph separators
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_report(const Leaderboard& board, const ReportSamples& samples) {
  const std::string_view page = html_template();
  const std::size_t at = page.find(kHtmlDataMarker);
  std::string out(page.substr(0, at));
  out += script_safe_json(html_report_data(board, samples));
  out += page.substr(at + kHtmlDataMarker.size());
  return out;
}

}  // namespace sextant::reports
