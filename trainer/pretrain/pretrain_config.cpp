// Reading configs/train/*.json into a PretrainConfig, with errors that name the file and field.
#include "trainer/pretrain/pretrain_config.hpp"

#include <filesystem>

#include "core/config_object.hpp"
#include "core/error.hpp"

namespace sextant::trainer {
namespace fs = std::filesystem;

bool is_source_format(const std::string& format) {
  return format == "paragraphs" || format == "lines" || format == "file" || format == "fortune" || format == "jsonl" ||
         format == "shards";
}

std::int64_t PretrainConfig::stage_steps(const StageConfig& s) const {
  return std::max<std::int64_t>(1, (s.tokens + tokens_per_step() - 1) / tokens_per_step());
}

std::int64_t PretrainConfig::total_steps() const {
  std::int64_t n = 0;
  for (const StageConfig& s : stages) n += stage_steps(s);
  return n;
}

namespace {

std::int64_t positive(const ConfigObject& o, const std::string& key, std::int64_t fallback) {
  const long long v = o.integer_or(key, fallback);
  if (v <= 0) fail("{}: must be positive, not {}", o.where(key), v);
  return v;
}

double fraction(const ConfigObject& o, const std::string& key, double fallback) {
  const double v = o.number_or(key, fallback);
  if (!(v >= 0.0 && v < 1.0)) fail("{}: must be in [0, 1), not {}", o.where(key), v);
  return v;
}

}  // namespace

PretrainConfig read_pretrain_config(const std::string& path) {
  const nlohmann::json root = read_json_config(path);
  const ConfigObject c(root, path);
  c.reject_unknown({"name", "description", "seed", "tokenizer", "model", "precision", "batch", "optimizer", "sources",
                    "stages", "checkpoint_every", "keep_checkpoints", "eval"});
  PretrainConfig p;
  p.path = path;
  p.name = c.text("name");
  p.seed = static_cast<std::uint64_t>(c.integer_or("seed", 1));
  const std::string precision = c.text_or("precision", "fp32");
  if (precision != "fp32" && precision != "bf16") fail("{}: \"fp32\" or \"bf16\", not \"{}\"", c.where("precision"), precision);
  p.precision = precision == "bf16" ? MatmulPrecision::bf16 : MatmulPrecision::fp32;
  if (c.has("tokenizer") && c.raw("tokenizer").is_string()) {
    p.tokenizer = c.text("tokenizer");
    if (fs::path(p.tokenizer).is_relative())
      p.tokenizer = (fs::path(path).parent_path() / p.tokenizer).lexically_normal().string();
  } else if (c.has("tokenizer")) {
    const ConfigObject t = c.object("tokenizer");
    t.reject_unknown({"vocab_size", "special_tokens"});
    p.tokenizer_vocab = positive(t, "vocab_size", p.tokenizer_vocab);
    if (p.tokenizer_vocab < 512) fail("{}: at least 512 (the 256 bytes and some merges)", t.where("vocab_size"));
    if (t.has("special_tokens")) p.special_tokens = t.texts("special_tokens");
    if (p.special_tokens.empty() || p.special_tokens.front() != "<|endoftext|>")
      fail("{}: the first special token must be <|endoftext|> (it ends every document)", t.where("special_tokens"));
  }

  const ConfigObject m = c.object("model");
  m.reject_unknown({"hidden_size", "layers", "heads", "kv_heads", "ffn_size", "rope_theta", "rms_norm_eps", "init_std"});
  p.model.hidden = positive(m, "hidden_size", p.model.hidden);
  p.model.layers = positive(m, "layers", p.model.layers);
  p.model.heads = positive(m, "heads", p.model.heads);
  p.model.kv_heads = positive(m, "kv_heads", p.model.heads);
  p.model.ffn = positive(m, "ffn_size", p.model.ffn);
  p.model.rope_theta = m.number_or("rope_theta", p.model.rope_theta);
  p.model.rms_eps = m.number_or("rms_norm_eps", p.model.rms_eps);
  p.model.init_std = m.number_or("init_std", p.model.init_std);
  if (p.model.hidden % p.model.heads != 0)
    fail("{}: hidden_size {} is not a multiple of heads {}", m.where("hidden_size"), p.model.hidden, p.model.heads);
  if ((p.model.hidden / p.model.heads) % 8 != 0)
    fail("{}: the head size hidden_size / heads = {} must be a multiple of 8", m.where("heads"), p.model.hidden / p.model.heads);
  if (p.model.heads % p.model.kv_heads != 0)
    fail("{}: heads {} is not a multiple of kv_heads {}", m.where("kv_heads"), p.model.heads, p.model.kv_heads);

  if (c.has("batch")) {
    const ConfigObject b = c.object("batch");
    b.reject_unknown({"sequence_length", "micro_batch", "accumulation"});
    p.seq_len = positive(b, "sequence_length", p.seq_len);
    p.micro_batch = positive(b, "micro_batch", p.micro_batch);
    p.accumulation = positive(b, "accumulation", p.accumulation);
  }
  if (c.has("optimizer")) {
    const ConfigObject o = c.object("optimizer");
    o.reject_unknown({"beta1", "beta2", "eps", "weight_decay", "clip", "warmup", "final_lr", "spike_factor"});
    p.adamw.beta1 = static_cast<float>(o.number_or("beta1", p.adamw.beta1));
    p.adamw.beta2 = static_cast<float>(o.number_or("beta2", p.adamw.beta2));
    p.adamw.eps = static_cast<float>(o.number_or("eps", p.adamw.eps));
    p.adamw.weight_decay = static_cast<float>(o.number_or("weight_decay", p.adamw.weight_decay));
    p.clip = o.number_or("clip", p.clip);
    p.warmup_fraction = fraction(o, "warmup", p.warmup_fraction);
    p.final_lr_fraction = fraction(o, "final_lr", p.final_lr_fraction);
    p.spike_factor = o.number_or("spike_factor", p.spike_factor);
  }

  const ConfigObject sources = c.object("sources");
  for (const auto& [name, value] : sources.json().items()) {
    const ConfigObject s = sources.object(name);
    s.reject_unknown({"files", "format", "field", "held_out", "held_out_bytes", "min_chars"});
    SourceConfig sc;
    sc.name = name;
    sc.files = s.texts("files");
    sc.format = s.text_or("format", sc.format);
    if (!is_source_format(sc.format))
      fail("{}: \"{}\" is not a format (paragraphs, lines, file, fortune, jsonl, shards)", s.where("format"),
           sc.format);
    sc.field = s.text_or("field", sc.field);
    sc.held_out = fraction(s, "held_out", sc.held_out);
    sc.held_out_bytes = s.integer_or("held_out_bytes", sc.held_out_bytes);
    sc.min_chars = s.integer_or("min_chars", sc.min_chars);
    p.sources.push_back(std::move(sc));
  }
  if (p.sources.empty()) fail("{}: no sources", c.where("sources"));
  for (const SourceConfig& sc : p.sources)
    if (sc.format == "shards" && p.tokenizer.empty())
      fail(
          "{}: source {} reads token shards: give the tokenizer.json of the `sextant data prepare` run that wrote "
          "them (a path), not a tokenizer to train",
          c.where("tokenizer"), sc.name);

  const nlohmann::json& stages = c.raw("stages");
  if (!stages.is_array() || stages.empty()) fail("{}: a list of stages is needed", c.where("stages"));
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const ConfigObject s(stages[i], path + ": stages[" + std::to_string(i) + "]");
    s.reject_unknown({"name", "tokens", "lr", "mixture"});
    StageConfig st;
    st.name = s.text_or("name", "stage" + std::to_string(i + 1));
    st.tokens = positive(s, "tokens", 0);
    st.lr = s.number_or("lr", st.lr);
    if (!(st.lr > 0.0)) fail("{}: must be positive", s.where("lr"));
    double total = 0.0;
    for (const auto& [source, share] : s.raw("mixture").items()) {
      bool known = false;
      for (const SourceConfig& sc : p.sources) known = known || sc.name == source;
      if (!known) fail("{}: \"{}\" is not one of the sources", s.where("mixture"), source);
      if (!share.is_number() || share.get<double>() < 0.0) fail("{}.{}: a share must be a number >= 0", s.where("mixture"), source);
      st.mixture[source] = share.get<double>();
      total += share.get<double>();
    }
    if (!(total > 0.0)) fail("{}: the shares add up to 0", s.where("mixture"));
    for (auto& [source, share] : st.mixture) share /= total;
    p.stages.push_back(std::move(st));
  }

  p.checkpoint_every = c.integer_or("checkpoint_every", 0);
  p.keep_checkpoints = c.integer_or("keep_checkpoints", 0);
  if (c.has("eval")) {
    const ConfigObject e = c.object("eval");
    e.reject_unknown({"suite", "every"});
    p.eval_suite = e.text("suite");
    p.eval_every = e.integer_or("every", p.checkpoint_every);
    if (p.checkpoint_every <= 0 || p.eval_every <= 0 || p.eval_every % p.checkpoint_every != 0)
      fail("{}: must be a positive multiple of checkpoint_every ({})", e.where("every"), p.checkpoint_every);
  }
  return p;
}

}  // namespace sextant::trainer
