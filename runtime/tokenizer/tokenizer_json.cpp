// Reading Hugging Face tokenizer.json files: a byte-level BPE's vocabulary, merges and added
// tokens, with its pre-tokenizer mapped onto one of the rule sets the runtime implements.
#include "runtime/tokenizer/tokenizer_json.hpp"

#include <filesystem>
#include <optional>

#include "core/error.hpp"
#include "runtime/formats/json_file.hpp"
#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::runtime {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The Split regexes of the pre-tokenizer families, exactly as tokenizer.json files spell them.
constexpr std::string_view kGpt2Pattern =
    R"re('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)re";
constexpr std::string_view kLlama3Pattern =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
constexpr std::string_view kQwen2Pattern =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

constexpr std::int64_t kMaxVocab = 1 << 24;

// Field access on nested objects; errors name the file and the field path.
class Fields {
 public:
  explicit Fields(const std::string& path) : path_(path) {}

  const json& get(const json& obj, const char* key, const std::string& where) const {
    const json* v = find(obj, key);
    if (!v) fail("{}: {} is missing", path_, name(where, key));
    return *v;
  }
  const json* find(const json& obj, const char* key) const {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  std::string string(const json& obj, const char* key, const std::string& where) const {
    const json& v = get(obj, key, where);
    if (!v.is_string()) fail("{}: {} is {}, expected a string", path_, name(where, key), json_excerpt(v));
    return v.get<std::string>();
  }
  bool flag(const json& obj, const char* key, bool fallback, const std::string& where) const {
    const json* v = find(obj, key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail("{}: {} is {}, expected true or false", path_, name(where, key), json_excerpt(*v));
    return v->get<bool>();
  }
  TokenId id(const json& v, const std::string& where) const {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() >= kMaxVocab)
      fail("{}: {} is {}, expected a token id", path_, where, json_excerpt(v));
    return static_cast<TokenId>(v.get<std::int64_t>());
  }
  const std::string& path() const { return path_; }

 private:
  // The dotted name of a field inside `where` (empty at the top level).
  static std::string name(const std::string& where, const char* key) { return where.empty() ? key : where + "." + key; }

  std::string path_;
};

// ByteLevel with the settings the runtime reproduces: no prefix space, and its own GPT-2
// regex on or off as the position in the pipeline requires.
void check_byte_level(const Fields& f, const json& p, bool use_regex, const std::string& where) {
  if (f.string(p, "type", where) != "ByteLevel") fail("{}: {}.type is not ByteLevel", f.path(), where);
  if (f.flag(p, "add_prefix_space", false, where))
    fail("{}: {}.add_prefix_space = true is not supported", f.path(), where);
  if (f.flag(p, "use_regex", true, where) != use_regex)
    fail("{}: {}.use_regex = {} is not supported after the step before it", f.path(), where, !use_regex);
}

PreTokenizerKind split_kind(const Fields& f, const json& split, const std::string& where) {
  const std::string pattern = f.string(f.get(split, "pattern", where), "Regex", where + ".pattern");
  if (f.string(split, "behavior", where) != "Isolated") fail("{}: {}.behavior is not Isolated", f.path(), where);
  if (f.flag(split, "invert", false, where)) fail("{}: {}.invert = true is not supported", f.path(), where);
  if (pattern == kGpt2Pattern) return PreTokenizerKind::Gpt2;
  if (pattern == kLlama3Pattern) return PreTokenizerKind::Llama3;
  if (pattern == kQwen2Pattern) return PreTokenizerKind::Qwen2;
  fail("{}: {}.pattern.Regex \"{}\" is not a supported pattern (GPT-2, Llama 3 and Qwen2 are)", f.path(), where,
       pattern);
}

PreTokenizerKind detect_pre_tokenizer(const Fields& f, const json& root) {
  const json& pre = f.get(root, "pre_tokenizer", "");
  const std::string type = f.string(pre, "type", "pre_tokenizer");
  if (type == "ByteLevel") {
    check_byte_level(f, pre, true, "pre_tokenizer");
    return PreTokenizerKind::Gpt2;
  }
  if (type == "Sequence") {
    const json& steps = f.get(pre, "pretokenizers", "pre_tokenizer");
    if (steps.is_array() && steps.size() == 2) {
      const std::string first = f.string(steps[0], "type", "pre_tokenizer.pretokenizers[0]");
      if (first == "Digits") {
        if (!f.flag(steps[0], "individual_digits", false, "pre_tokenizer.pretokenizers[0]"))
          fail("{}: pre_tokenizer.pretokenizers[0].individual_digits = false is not supported", f.path());
        check_byte_level(f, steps[1], true, "pre_tokenizer.pretokenizers[1]");
        return PreTokenizerKind::SmolLm;
      }
      if (first == "Split") {
        const PreTokenizerKind kind = split_kind(f, steps[0], "pre_tokenizer.pretokenizers[0]");
        check_byte_level(f, steps[1], false, "pre_tokenizer.pretokenizers[1]");
        return kind;
      }
    }
  }
  fail(
      "{}: pre_tokenizer {} is not supported (ByteLevel; or a Sequence of Digits(individual_digits) "
      "then ByteLevel, or of Split with the GPT-2, Llama 3 or Qwen2 pattern then ByteLevel)",
      f.path(), json_excerpt(pre));
}

// model.merges as "left right" strings in rank order (files write strings or pairs).
std::vector<std::string> merge_keys(const Fields& f, const json& model) {
  const json& merges = f.get(model, "merges", "model");
  if (!merges.is_array()) fail("{}: model.merges is not a list", f.path());
  std::vector<std::string> keys;
  keys.reserve(merges.size());
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const json& m = merges[i];
    if (m.is_string() && m.get<std::string>().find(' ', 1) != std::string::npos) {
      keys.push_back(m.get<std::string>());
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      keys.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
    } else {
      fail("{}: model.merges[{}] is {}, expected \"left right\" or [\"left\", \"right\"]", f.path(), i,
           json_excerpt(m));
    }
  }
  return keys;
}

// The model section of a byte-level BPE, checked for the settings the runtime supports.
const json& byte_level_bpe_model(const Fields& f, const json& root) {
  const json& model = f.get(root, "model", "");
  const std::string type = f.string(model, "type", "model");
  if (type != "BPE") fail("{}: model.type \"{}\" is not supported (BPE is)", f.path(), type);
  if (f.flag(model, "byte_fallback", false, "model"))
    fail("{}: model.byte_fallback = true (SentencePiece-style BPE) is not supported; byte-level BPE is", f.path());
  for (const char* affix : {"continuing_subword_prefix", "end_of_word_suffix"})
    if (const json* v = f.find(model, affix); v && !(v->is_string() && v->get<std::string>().empty()))
      fail("{}: model.{} {} is not supported", f.path(), affix, json_excerpt(*v));
  return model;
}

// The special token a post-processor puts before the text (TemplateProcessing "single", as
// Llama 3 and tokenizers that add BOS have), if any.
std::optional<std::string> leading_special(const json& pp) {
  if (!pp.is_object() || !pp.contains("type")) return std::nullopt;
  if (pp["type"] == "TemplateProcessing") {
    const json::json_pointer first("/single/0/SpecialToken/id");
    if (pp.contains(first) && pp.at(first).is_string()) return pp.at(first).get<std::string>();
  } else if (pp["type"] == "Sequence" && pp.contains("processors") && pp["processors"].is_array()) {
    for (const json& step : pp["processors"])
      if (auto s = leading_special(step)) return s;
  }
  return std::nullopt;
}

// A tokenizer_config.json token: a string, an AddedToken object, or null for none.
std::optional<std::string> config_token(const JsonFile& config, const char* key) {
  const json* v = config.find(key);
  if (!v) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_object() && v->contains("content") && (*v)["content"].is_string())
    return (*v)["content"].get<std::string>();
  fail("{}: {} is {}, expected a token's text", config.path(), key, json_excerpt(*v));
}

// config.json's bos_token_id or eos_token_id: one id or a list (several end tokens).
std::vector<TokenId> config_ids(const JsonFile& config, const char* key) {
  const json* v = config.find(key);
  std::vector<TokenId> ids;
  if (!v) return ids;
  const Fields f(config.path());
  if (v->is_array()) {
    for (std::size_t i = 0; i < v->size(); ++i)
      ids.push_back(f.id((*v)[i], std::string(key) + "[" + std::to_string(i) + "]"));
  } else {
    ids.push_back(f.id(*v, key));
  }
  return ids;
}

}  // namespace

Tokenizer Tokenizer::from_tokenizer_json(const std::string& path) {
  const JsonFile file(path);
  const json& root = file.root();
  const Fields f(path);
  Tokenizer t;
  t.model_ = TokenizerModel::ByteLevelBpe;

  const json& model = byte_level_bpe_model(f, root);
  t.ignore_merges_ = f.flag(model, "ignore_merges", false, "model");
  // Qwen2's files ask for NFC; like llama.cpp, the text is taken as given (NFC text, the
  // common case, is unchanged by it).
  if (const json* norm = f.find(root, "normalizer"); norm && f.string(*norm, "type", "normalizer") != "NFC")
    fail("{}: normalizer {} is not supported (none or NFC is)", path, json_excerpt(*norm));
  t.pre_ = detect_pre_tokenizer(f, root);

  // Ids may come in any order; an id no entry gives stays an empty, unused token.
  std::vector<bool> given;
  auto place = [&](TokenId id, const std::string& text, TokenKind kind, const std::string& where) {
    const auto i = static_cast<std::size_t>(id);
    if (i >= t.tokens_.size()) {
      t.tokens_.resize(i + 1);
      t.kinds_.resize(i + 1, TokenKind::Unused);
      given.resize(i + 1, false);
    }
    if (given[i] && t.tokens_[i] != text)
      fail("{}: {} gives id {} to \"{}\", which is already \"{}\"", path, where, id, text, t.tokens_[i]);
    t.tokens_[i] = text;
    t.kinds_[i] = kind;
    given[i] = true;
  };
  const json& vocab = f.get(model, "vocab", "model");
  if (!vocab.is_object() || vocab.empty()) fail("{}: model.vocab is not a non-empty object", path);
  for (const auto& [text, id] : vocab.items())
    place(f.id(id, "model.vocab[\"" + text + "\"]"), text, TokenKind::Normal, "model.vocab");
  if (const json* added = f.find(root, "added_tokens")) {
    if (!added->is_array()) fail("{}: added_tokens is not a list", path);
    for (std::size_t i = 0; i < added->size(); ++i) {
      const std::string where = "added_tokens[" + std::to_string(i) + "]";
      const json& a = (*added)[i];
      const TokenKind kind = f.flag(a, "special", false, where) ? TokenKind::Control : TokenKind::UserDefined;
      place(f.id(f.get(a, "id", where), where + ".id"), f.string(a, "content", where), kind, where);
    }
  }

  std::vector<std::string> merges = merge_keys(f, model);
  t.merge_ranks_.reserve(merges.size());
  for (std::size_t i = 0; i < merges.size(); ++i) t.merge_ranks_.emplace(std::move(merges[i]), static_cast<int>(i));
  t.build_indexes();

  // BOS and EOS: tokenizer_config.json decides when present, as transformers does;
  // config.json's ids are the fallback and add end-of-generation ids either way.
  const std::optional<std::string> leading = leading_special(root.value("post_processor", json()));
  const fs::path dir = fs::path(path).parent_path();
  const fs::path tokenizer_config = dir / "tokenizer_config.json";
  const fs::path model_config = dir / "config.json";
  std::vector<TokenId> config_eos;
  std::optional<JsonFile> config;
  if (fs::exists(model_config)) {
    config.emplace(model_config.string());
    config_eos = config_ids(*config, "eos_token_id");
    for (TokenId id : config_eos)
      if (id >= t.vocab_size())
        fail("{}: eos_token_id {} is outside the vocabulary of {} ({})", config->path(), id, t.vocab_size(), path);
  }
  auto token_id = [&](const JsonFile& source, const char* key) {
    const std::optional<std::string> text = config_token(source, key);
    if (!text) return TokenId{-1};
    const TokenId id = t.find(*text);
    if (id < 0) fail("{}: {} \"{}\" is not in the vocabulary of {}", source.path(), key, *text, path);
    return id;
  };
  t.add_bos_ = leading.has_value();
  if (fs::exists(tokenizer_config)) {
    const JsonFile tc(tokenizer_config.string());
    t.bos_ = token_id(tc, "bos_token");
    t.eos_ = token_id(tc, "eos_token");
    t.add_bos_ = tc.get_bool("add_bos_token", t.add_bos_);
  } else if (config) {
    const std::vector<TokenId> bos = config_ids(*config, "bos_token_id");
    t.bos_ = bos.empty() ? -1 : bos.front();
    t.eos_ = config_eos.empty() ? -1 : config_eos.front();
    if (t.bos_ >= t.vocab_size())
      fail("{}: bos_token_id {} is outside the vocabulary of {} ({})", config->path(), t.bos_, t.vocab_size(), path);
  }
  if (t.bos_ < 0 && leading) t.bos_ = t.find(*leading);
  if (t.add_bos_ && t.bos_ < 0)
    fail("{}: BOS is to be added but none is named (tokenizer_config.json bos_token, config.json bos_token_id)", path);
  t.add_stop_ids(config_eos);
  return t;
}

ByteLevelBpeRules read_byte_level_bpe_rules(const std::string& path) {
  const JsonFile file(path);
  const Fields f(path);
  const json& model = byte_level_bpe_model(f, file.root());
  ByteLevelBpeRules rules;
  rules.ignore_merges = f.flag(model, "ignore_merges", false, "model");
  rules.pre_tokenizer = detect_pre_tokenizer(f, file.root());
  rules.merges = merge_keys(f, model);
  return rules;
}

}  // namespace sextant::runtime
