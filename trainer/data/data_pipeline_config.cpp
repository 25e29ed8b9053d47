// Reading configs/data/*.json into a DataPipelineConfig, with errors that name the file and field.
#include "trainer/data/data_pipeline_config.hpp"

#include <filesystem>

#include "core/config_object.hpp"
#include "core/error.hpp"

namespace sextant::trainer {
namespace fs = std::filesystem;

namespace {

// Files, format, field and min_chars of a source; the caller rejects the keys it does not know.
SourceConfig files_of(const ConfigObject& s, const std::string& name) {
  SourceConfig c;
  c.name = name;
  c.files = s.texts("files");
  if (c.files.empty()) fail("{}: no files", s.where("files"));
  c.format = s.text_or("format", c.format);
  if (!is_source_format(c.format))
    fail("{}: \"{}\" is not a format (paragraphs, lines, file, fortune, jsonl)", s.where("format"), c.format);
  c.field = s.text_or("field", c.field);
  c.min_chars = s.integer_or("min_chars", c.min_chars);
  if (c.min_chars < 1) fail("{}: must be at least 1, not {}", s.where("min_chars"), c.min_chars);
  return c;
}

std::string beside(const std::string& config_path, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(config_path).parent_path() / path).lexically_normal().string();
}

double in_unit_interval(const ConfigObject& o, const std::string& key, double fallback) {
  const double v = o.number_or(key, fallback);
  if (!(v >= 0.0 && v <= 1.0)) fail("{}: must be in [0, 1], not {}", o.where(key), v);
  return v;
}

int integer_within(const ConfigObject& o, const std::string& key, int fallback, int lo, int hi) {
  const long long v = o.integer_or(key, fallback);
  if (v < lo || v > hi) fail("{}: must be an integer from {} to {}, not {}", o.where(key), lo, hi, v);
  return static_cast<int>(v);
}

}  // namespace

DataPipelineConfig read_data_pipeline_config(const std::string& path) {
  const nlohmann::json root = read_json_config(path);
  const ConfigObject c(root, path);
  c.reject_unknown({"name", "description", "corpora_dir", "fallback", "sources", "language", "quality_rules",
                    "quality_classifier", "dedup", "tokenizer", "shards"});
  DataPipelineConfig p;
  p.path = path;
  p.name = c.text("name");
  p.corpora_dir = beside(path, c.text_or("corpora_dir", ""));
  p.fallback = beside(path, c.text_or("fallback", ""));

  // The rules every source gets unless it overrides some thresholds or turns them off.
  nlohmann::json rules_json = nlohmann::json::object();
  bool rules_on = true;
  if (c.has("quality_rules")) {
    const nlohmann::json& r = c.raw("quality_rules");
    if (r.is_boolean()) {
      rules_on = r.get<bool>();
    } else {
      rules_json = r;
      QualityRules::from_json(rules_json, c.where("quality_rules"));  // checked once, here
    }
  }

  const ConfigObject sources = c.object("sources");
  for (const auto& [name, value] : sources.json().items()) {
    const ConfigObject s = sources.object(name);
    s.reject_unknown({"files", "format", "field", "min_chars", "language", "quality_rules", "quality_classifier"});
    PipelineSource src;
    src.files = files_of(s, name);
    src.language = s.text_or("language", "");
    bool on = rules_on;
    nlohmann::json merged = rules_json;
    if (s.has("quality_rules")) {
      const nlohmann::json& r = s.raw("quality_rules");
      if (r.is_boolean()) {
        on = r.get<bool>();
      } else if (r.is_object()) {
        on = true;
        for (const auto& [k, v] : r.items()) merged[k] = v;
        QualityRules::from_json(r, s.where("quality_rules"));  // its own keys named in errors
      } else {
        fail("{}: expected an object of thresholds or true/false, found {}", s.where("quality_rules"), r.dump());
      }
    }
    if (on) src.rules = QualityRules::from_json(merged, s.where("quality_rules"));
    src.quality_classifier = s.flag_or("quality_classifier", true);
    p.sources.push_back(std::move(src));
  }
  if (p.sources.empty()) fail("{}: no sources", c.where("sources"));

  static const nlohmann::json kNoSettings = nlohmann::json::object();
  const ConfigObject l = c.has("language") ? c.object("language") : ConfigObject(kNoSettings, c.where("language"));
  l.reject_unknown({"model", "labelled", "labelled_sources", "allowed", "min_confidence", "bucket_bits", "max_order"});
  p.language.model = beside(path, l.text_or("model", ""));
  if (l.has("labelled")) p.language.labelled = l.texts("labelled");
  if (l.has("labelled_sources")) {
    const ConfigObject ls = l.object("labelled_sources");
    for (const auto& [label, value] : ls.json().items()) {
      const ConfigObject s = ls.object(label);
      s.reject_unknown({"files", "format", "field", "min_chars"});
      p.language.labelled_sources.push_back(files_of(s, label));
    }
  }
  if (p.language.model.empty() && p.language.labelled.empty() && p.language.labelled_sources.empty()) {
    bool all_fixed = true;
    for (const PipelineSource& s : p.sources) all_fixed = all_fixed && !s.language.empty();
    if (!all_fixed)
      fail("{}: needs a \"model\" file, or \"labelled\" files or \"labelled_sources\" to train one",
           c.where("language"));
  }
  if (l.has("allowed")) p.language.allowed = l.texts("allowed");
  p.language.min_confidence = in_unit_interval(l, "min_confidence", 0.0);
  p.language.options.bucket_bits = integer_within(l, "bucket_bits", p.language.options.bucket_bits, 8, 26);
  p.language.options.max_order = integer_within(l, "max_order", p.language.options.max_order, 1, 8);

  if (c.has("quality_classifier") && !c.raw("quality_classifier").is_null()) {
    const ConfigObject q = c.object("quality_classifier");
    q.reject_unknown({"golden", "languages", "threshold", "top_fraction", "max_examples", "max_order", "bucket_bits",
                      "epochs", "learning_rate", "l2", "seed"});
    QualityClassifierStage& s = p.quality_classifier;
    s.enabled = true;
    const ConfigObject golden = q.object("golden");
    for (const auto& [name, value] : golden.json().items()) {
      const ConfigObject g = golden.object(name);
      g.reject_unknown({"files", "format", "field", "min_chars"});
      s.golden.push_back(files_of(g, name));
    }
    if (s.golden.empty()) fail("{}: no golden sources", q.where("golden"));
    if (q.has("languages")) s.languages = q.texts("languages");
    if (q.has("threshold") == q.has("top_fraction"))
      fail("{}: give one of \"threshold\" (keep scores at or above it) and \"top_fraction\" (keep that best share)",
           c.where("quality_classifier"));
    if (q.has("threshold")) s.threshold = in_unit_interval(q, "threshold", 0.5);
    if (q.has("top_fraction")) {
      s.top_fraction = in_unit_interval(q, "top_fraction", 1.0);
      if (*s.top_fraction == 0.0) fail("{}: must be above 0", q.where("top_fraction"));
    }
    s.max_examples = q.integer_or("max_examples", s.max_examples);
    if (s.max_examples < 2) fail("{}: must be at least 2, not {}", q.where("max_examples"), s.max_examples);
    s.options.max_order = integer_within(q, "max_order", s.options.max_order, 1, 4);
    s.options.bucket_bits = integer_within(q, "bucket_bits", s.options.bucket_bits, 8, 26);
    s.options.epochs = integer_within(q, "epochs", s.options.epochs, 1, 100);
    s.options.learning_rate = q.number_or("learning_rate", s.options.learning_rate);
    if (!(s.options.learning_rate > 0 && s.options.learning_rate <= 10))
      fail("{}: must be in (0, 10], not {}", q.where("learning_rate"), s.options.learning_rate);
    s.options.l2 = q.number_or("l2", s.options.l2);
    if (!(s.options.l2 >= 0 && s.options.l2 < 1)) fail("{}: must be in [0, 1), not {}", q.where("l2"), s.options.l2);
    s.options.seed = static_cast<std::uint64_t>(q.integer_or("seed", static_cast<long long>(s.options.seed)));
  }

  if (c.has("dedup")) {
    const ConfigObject d = c.object("dedup");
    d.reject_unknown({"exact", "near"});
    p.dedup.exact = d.flag_or("exact", true);
    if (d.has("near")) {
      const nlohmann::json& n = d.raw("near");
      if (n.is_boolean()) {
        p.dedup.near = n.get<bool>();
      } else {
        p.dedup.near_config = NearDedupConfig::from_json(n, d.where("near"));
      }
    }
  }

  if (c.has("tokenizer") && c.raw("tokenizer").is_string()) {
    p.tokenizer.path = beside(path, c.text("tokenizer"));
  } else if (c.has("tokenizer")) {
    const ConfigObject t = c.object("tokenizer");
    t.reject_unknown({"vocab_size", "special_tokens"});
    p.tokenizer.vocab_size = t.integer_or("vocab_size", p.tokenizer.vocab_size);
    if (p.tokenizer.vocab_size < 512 || p.tokenizer.vocab_size > (1 << 24))
      fail("{}: must be from 512 (the 256 bytes and some merges) to 2^24, not {}", t.where("vocab_size"),
           p.tokenizer.vocab_size);
    if (t.has("special_tokens")) p.tokenizer.special_tokens = t.texts("special_tokens");
    if (p.tokenizer.special_tokens.empty() || p.tokenizer.special_tokens.front() != "<|endoftext|>")
      fail("{}: the first special token must be <|endoftext|> (it ends every document)", t.where("special_tokens"));
  }

  if (c.has("shards")) {
    const ConfigObject s = c.object("shards");
    s.reject_unknown({"max_tokens"});
    p.max_shard_tokens = s.integer_or("max_tokens", 0);
    if (p.max_shard_tokens < 0) fail("{}: must be 0 (one shard per source) or positive", s.where("max_tokens"));
  }
  return p;
}

}  // namespace sextant::trainer
