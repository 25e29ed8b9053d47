// Reading dataset configs and checking them before any data is read.
#include "harness/config/dataset_config.hpp"

#include <algorithm>
#include <filesystem>

#include "core/config_object.hpp"
#include "core/error.hpp"

namespace sextant::harness {

namespace {

const std::vector<std::string>& metrics_of(Inferencer i) {
  static const std::vector<std::string> ppl{"acc", "acc_norm", "acc_norm_nospace", "acc_token_mean"};
  static const std::vector<std::string> target{"acc", "perplexity"};
  static const std::vector<std::string> gen{"exact_match", "number_match", "choice_match", "bleu", "chrf", "pass@1"};
  static const std::vector<std::string> rolling{"bits_per_byte", "perplexity", "word_perplexity"};
  switch (i) {
    case Inferencer::Ppl:
      return ppl;
    case Inferencer::Target:
      return target;
    case Inferencer::Gen:
      return gen;
    case Inferencer::Rolling:
      break;
  }
  return rolling;
}

Inferencer parse_inferencer(const std::string& name, const std::string& where) {
  if (name == "ppl") return Inferencer::Ppl;
  if (name == "target") return Inferencer::Target;
  if (name == "gen") return Inferencer::Gen;
  if (name == "rolling") return Inferencer::Rolling;
  fail("{}: unknown inferencer \"{}\" (known: ppl, target, gen, rolling)", where, name);
}

GoldSpec parse_gold(const ConfigObject& o) {
  o.reject_unknown({"kind", "field", "labels", "labels_field", "base"});
  GoldSpec g;
  const std::string kind = o.text("kind");
  if (kind == "label")
    g.kind = GoldSpec::Kind::Label;
  else if (kind == "index")
    g.kind = GoldSpec::Kind::Index;
  else if (kind == "text")
    g.kind = GoldSpec::Kind::Text;
  else
    fail("{}: unknown kind \"{}\" (known: label, index, text)", o.where("kind"), kind);
  g.field = o.text("field");
  g.labels = o.text_or("labels", "");
  g.labels_field = o.text_or("labels_field", "");
  g.base = static_cast<int>(o.integer_or("base", 0));
  if (g.kind == GoldSpec::Kind::Label && g.labels.empty() && g.labels_field.empty())
    fail("{}: a label answer needs \"labels\" (\"ABCD\") or \"labels_field\"", o.where());
  return g;
}

ModeConfig parse_mode(const std::string& name, const ConfigObject& o, bool has_examples, bool has_gold) {
  o.reject_unknown({"inferencer", "preamble",    "prompt",    "answer",    "separator",  "choices",
                    "choice",     "target",      "shots",     "retriever", "group_by",   "seed",
                    "max_tokens", "stop",        "extractor", "reference", "references", "program",
                    "samples",    "temperature", "top_p",     "metric",    "rotate",     "chat_stop",
                    "plain_text"});
  ModeConfig m;
  m.name = name;
  m.inferencer = parse_inferencer(o.text("inferencer"), o.where("inferencer"));
  m.preamble = o.text_or("preamble", "");
  m.prompt = o.text("prompt");
  m.answer = o.text_or("answer", "");
  m.separator = o.text_or("separator", m.separator);
  m.shots = static_cast<int>(o.integer_or("shots", 0));
  if (m.shots < 0) fail("{}: must be 0 or more", o.where("shots"));
  m.retriever = o.text_or("retriever", m.retriever);
  if (m.retriever != "fixed" && m.retriever != "random" && m.retriever != "bm25")
    fail("{}: unknown retriever \"{}\" (known: fixed, random, bm25)", o.where("retriever"), m.retriever);
  m.group_by = o.text_or("group_by", "");
  m.plain_text = o.flag_or("plain_text", false);
  m.seed = static_cast<std::uint64_t>(o.integer_or("seed", static_cast<long long>(m.seed)));
  if (m.shots > 0 && !has_examples) fail("{}: few-shot needs the dataset's \"examples\" source", o.where("shots"));
  if (m.shots > 0 && m.answer.empty()) fail("{}: few-shot needs \"answer\" (an exemplar's answer template)", o.where());

  switch (m.inferencer) {
    case Inferencer::Ppl:
      if (!has_gold) fail("{}: a ppl mode needs the dataset's \"gold\"", o.where());
      if (!o.has("choices")) fail("{}: missing (a list field name, or a list of texts)", o.where("choices"));
      if (o.raw("choices").is_string())
        m.choices_field = o.text("choices");
      else
        m.choice_texts = o.texts("choices");
      m.choice = o.text_or("choice", m.choice);
      if (o.has("rotate")) m.rotate = o.texts("rotate");
      break;
    case Inferencer::Target:
      m.target = o.text("target");
      break;
    case Inferencer::Rolling:
      if (m.shots > 0) fail("{}: a rolling mode scores texts as they are, without exemplars", o.where("shots"));
      break;
    case Inferencer::Gen:
      m.max_tokens = static_cast<int>(o.integer_or("max_tokens", m.max_tokens));
      if (m.max_tokens < 1) fail("{}: must be at least 1", o.where("max_tokens"));
      if (o.has("stop")) m.stop = o.texts("stop");
      if (o.has("chat_stop"))
        m.chat_stop = o.raw("chat_stop").empty() ? std::vector<std::string>{} : o.texts("chat_stop");
      m.extractor = o.text_or("extractor", "");
      m.reference = o.text_or("reference", "");
      m.references_field = o.text_or("references", "");
      m.program = o.text_or("program", "");
      m.samples = static_cast<int>(o.integer_or("samples", 1));
      if (m.samples < 1) fail("{}: must be at least 1", o.where("samples"));
      m.temperature = o.number_or("temperature", m.samples > 1 ? 0.7 : 0.0);
      m.top_p = o.number_or("top_p", 1.0);
      if (m.samples > 1 && m.temperature <= 0)
        fail("{}: self-consistency needs a temperature above 0", o.where("temperature"));
      break;
  }
  const auto& known = metrics_of(m.inferencer);
  m.metric = o.text_or("metric", known.front());
  if (std::find(known.begin(), known.end(), m.metric) == known.end())
    fail("{}: \"{}\" is not a metric of the {} inferencer", o.where("metric"), m.metric, inferencer_name(m.inferencer));
  if (m.inferencer == Inferencer::Gen) {
    if (m.metric == "pass@1" && m.program.empty())
      fail("{}: pass@1 needs \"program\" (the test program around {{completion}})", o.where());
    if (m.metric != "pass@1" && m.reference.empty() && m.references_field.empty())
      fail("{}: needs \"reference\" (a template) or \"references\" (a list field)", o.where());
  }
  // "rotate" changes nothing unless --circular, which the task identity records itself.
  nlohmann::json identity = o.json();
  identity.erase("rotate");
  m.config_json = identity.dump();
  return m;
}

}  // namespace

const char* inferencer_name(Inferencer i) {
  switch (i) {
    case Inferencer::Ppl:
      return "ppl";
    case Inferencer::Target:
      return "target";
    case Inferencer::Gen:
      return "gen";
    case Inferencer::Rolling:
      return "rolling";
  }
  return "?";
}

const ModeConfig& DatasetConfig::mode(const std::string& mode_name) const {
  const auto it = modes.find(mode_name);
  if (it != modes.end()) return it->second;
  std::string known;
  for (const auto& [n, m] : modes) known += (known.empty() ? "" : ", ") + n;
  throw UsageError(fmt::format("dataset {} has no mode \"{}\" (it has: {})", name, mode_name, known));
}

const datasets::SourceSpec* DatasetConfig::test_source(const std::string& data_dir) const {
  for (const auto& t : tests)
    if (!datasets::source_files(t, data_dir).empty()) return &t;
  return nullptr;
}

std::string DatasetConfig::test_locations(const std::string& data_dir) const {
  std::string out;
  for (const auto& t : tests) {
    for (const auto& p : t.paths) out += (out.empty() ? "" : ", ") + (std::filesystem::path(data_dir) / p).string();
    for (const auto& [field, p] : t.text_files)
      out += (out.empty() ? "" : ", ") + (std::filesystem::path(data_dir) / p).string();
  }
  return out;
}

DatasetConfig load_dataset_config(const std::string& path) {
  const nlohmann::json j = read_json_config(path);
  const ConfigObject o(j, path);
  o.reject_unknown({"name", "dimension", "description", "test", "examples", "gold", "modes", "default_modes"});
  DatasetConfig d;
  d.config_path = path;
  d.name = o.text("name");
  if (d.name != std::filesystem::path(path).stem().string())
    fail("{}: name \"{}\" differs from the file's name", o.where("name"), d.name);
  d.dimension = o.text("dimension");
  if (d.dimension != kPerplexityGroup &&
      std::none_of(std::begin(kDimensions), std::end(kDimensions), [&](const char* k) { return d.dimension == k; }))
    fail("{}: \"{}\" is not one of Exam, Language, Knowledge, Understanding, Reasoning (or Perplexity, for held-out "
         "text)", o.where("dimension"), d.dimension);
  d.description = o.text_or("description", "");
  if (o.raw("test").is_array()) {
    for (std::size_t i = 0; i < o.raw("test").size(); ++i)
      d.tests.push_back(datasets::parse_source_spec(o.raw("test")[i], fmt::format("{}[{}]", o.where("test"), i)));
  } else {
    d.tests.push_back(datasets::parse_source_spec(o.raw("test"), o.where("test")));
  }
  if (d.tests.empty()) fail("{}: no source", o.where("test"));
  if (o.has("examples")) d.examples = datasets::parse_source_spec(o.raw("examples"), o.where("examples"));
  if (o.has("gold")) d.gold = parse_gold(o.object("gold"));
  const ConfigObject modes = o.object("modes");
  for (const auto& [name, m] : modes.json().items())
    d.modes[name] = parse_mode(name, modes.object(name), d.examples.has_value(), d.gold.has_value());
  if (d.modes.empty()) fail("{}: no mode", o.where("modes"));
  nlohmann::json common = j;
  for (const char* k : {"modes", "description", "default_modes"}) common.erase(k);
  d.common_json = common.dump();
  d.default_modes =
      o.has("default_modes") ? o.texts("default_modes") : std::vector<std::string>{d.modes.begin()->first};
  for (const auto& m : d.default_modes)
    if (!d.modes.count(m)) fail("{}: \"{}\" is not one of its modes", o.where("default_modes"), m);
  return d;
}

}  // namespace sextant::harness
