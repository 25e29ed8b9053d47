// The data pipeline's report as stats.json and as a table for people.
#include "trainer/data/pipeline_stats.hpp"

#include <fmt/format.h>

namespace sextant::trainer {

namespace {

nlohmann::json counts_json(const DocumentCounts& c) {
  return {{"documents", c.documents}, {"bytes", c.bytes}, {"tokens", c.tokens}};
}

nlohmann::json flow_json(const StageFlow& f) { return {{"in", counts_json(f.in)}, {"out", counts_json(f.out)}}; }

nlohmann::json flows_json(const std::map<std::string, StageFlow>& flows) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, flow] : flows) j[key] = flow_json(flow);
  return j;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole)) : "-";
}

// The flow of each key over the whole pipeline: into the first stage, out of the last.
std::map<std::string, StageFlow> overall(const std::vector<StageStats>& stages,
                                         std::map<std::string, StageFlow> StageStats::*member) {
  std::map<std::string, StageFlow> out;
  if (stages.empty()) return out;
  for (const auto& [key, flow] : stages.front().*member) out[key].in = flow.in;
  for (const auto& [key, flow] : stages.back().*member) out[key].out = flow.out;
  return out;
}

void flow_rows(std::string& out, const char* heading, const std::map<std::string, StageFlow>& flows) {
  out += fmt::format("\n{:<22} {:>10} {:>10} {:>7} {:>12} {:>12} {:>7}\n", heading, "docs in", "docs out", "kept",
                     "tokens in", "tokens out", "kept");
  for (const auto& [key, f] : flows)
    out += fmt::format("{:<22} {:>10} {:>10} {:>7} {:>12} {:>12} {:>7}\n", key, f.in.documents, f.out.documents,
                       percent(f.out.documents, f.in.documents), f.in.tokens, f.out.tokens,
                       percent(f.out.tokens, f.in.tokens));
}

}  // namespace

nlohmann::json PipelineStats::to_json() const {
  nlohmann::json j;
  j["config"] = config;
  j["seconds"] = seconds;
  j["stages"] = nlohmann::json::array();
  for (const StageStats& s : stages) {
    nlohmann::json st = flow_json(s.total);
    st["stage"] = s.name;
    st["enabled"] = s.enabled;
    st["seconds"] = s.seconds;
    st["removed_by"] = s.removed_by;
    st["by_source"] = flows_json(s.by_source);
    st["by_language"] = flows_json(s.by_language);
    j["stages"].push_back(std::move(st));
  }
  j["by_source"] = flows_json(overall(stages, &StageStats::by_source));
  j["by_language"] = flows_json(overall(stages, &StageStats::by_language));
  j["sources"] = nlohmann::json::object();
  for (const auto& [name, s] : sources) {
    nlohmann::json shards = nlohmann::json::array();
    for (const ShardFile& f : s.shards) shards.push_back({{"path", f.path}, {"tokens", f.tokens}});
    j["sources"][name] = {{"documents", s.documents}, {"tokens", s.tokens}, {"shards", shards}};
  }
  j["language_model"] = language_model;
  j["quality_classifier"] = quality_classifier;
  j["tokenizer"] = tokenizer;
  return j;
}

std::string PipelineStats::table() const {
  std::string out = fmt::format("{:<22} {:>10} {:>10} {:>7} {:>12} {:>12} {:>7} {:>8}\n", "stage", "docs in",
                                "docs out", "kept", "tokens in", "tokens out", "kept", "seconds");
  for (const StageStats& s : stages) {
    if (!s.enabled) {
      out += fmt::format("{:<22} (off)\n", s.name);
      continue;
    }
    const StageFlow& f = s.total;
    out += fmt::format("{:<22} {:>10} {:>10} {:>7} {:>12} {:>12} {:>7} {:>8.1f}\n", s.name, f.in.documents,
                       f.out.documents, percent(f.out.documents, f.in.documents), f.in.tokens, f.out.tokens,
                       percent(f.out.tokens, f.in.tokens), s.seconds);
  }
  flow_rows(out, "source", overall(stages, &StageStats::by_source));
  flow_rows(out, "language", overall(stages, &StageStats::by_language));
  bool any = false;
  for (const StageStats& s : stages) {
    for (const auto& [reason, n] : s.removed_by) {
      if (!any) out += fmt::format("\n{:<22} {:<36} {:>10}\n", "removed by", "reason", "docs");
      any = true;
      out += fmt::format("{:<22} {:<36} {:>10}\n", s.name, reason, n);
    }
  }
  std::int64_t tokens = 0, files = 0;
  for (const auto& [name, s] : sources) tokens += s.tokens, files += static_cast<std::int64_t>(s.shards.size());
  out += fmt::format("\n{} tokens in {} shard file(s) of {} source(s); {:.1f} s in all\n", tokens, files,
                     sources.size(), seconds);
  return out;
}

}  // namespace sextant::trainer
