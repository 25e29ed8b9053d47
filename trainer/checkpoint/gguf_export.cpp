// The llama GGUF form of a Hugging Face checkpoint: keys, tokenizer, tensor names, Q/K permutation and weight types.
#include "trainer/checkpoint/gguf_export.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "runtime/formats/json_file.hpp"
#include "runtime/model/hf_model_loader.hpp"
#include "runtime/tokenizer/tokenizer_json.hpp"
#include "trainer/checkpoint/gguf_writer.hpp"

namespace sextant::trainer {

namespace {

namespace fs = std::filesystem;
using runtime::PreTokenizerKind;
using runtime::TensorType;
using runtime::TokenKind;

// llama.cpp's llama_ftype values (general.file_type) and ggml's quantization version.
constexpr std::uint32_t kFileTypeAllF32 = 0;
constexpr std::uint32_t kFileTypeMostlyF16 = 1;
constexpr std::uint32_t kFileTypeMostlyQ8_0 = 7;
constexpr std::uint32_t kQuantizationVersion = 2;

// The tokenizer.ggml.pre under which llama.cpp (src/llama-vocab.cpp) applies the same rules;
// llama-bpe also makes llama.cpp skip BPE for words in the vocabulary.
const char* llama_cpp_pre_name(PreTokenizerKind kind) {
  switch (kind) {
    case PreTokenizerKind::Gpt2:
      return "gpt-2";
    case PreTokenizerKind::SmolLm:
      return "smollm";
    case PreTokenizerKind::Llama3:
      return "llama-bpe";
    case PreTokenizerKind::Qwen2:
      return "qwen2";
  }
  return "gpt-2";
}

// Hugging Face's q_proj / k_proj rows hold each head's dimensions in two halves (RoPE turns
// i with i + d/2); GGUF llama's RoPE turns adjacent pairs (2i, 2i + 1). So row h·d + 2i + j
// takes row h·d + j·d/2 + i: convert_hf_to_gguf.py's permute, a reshape to (heads, 2, d/2,
// cols) with the middle axes swapped. Each value then meets the same partner and angle.
std::vector<float> rope_halves_to_adjacent(const std::vector<float>& w, std::int64_t rows, std::int64_t cols,
                                           std::int64_t heads) {
  const std::int64_t d = rows / heads;
  const std::int64_t half = d / 2;
  const auto row_size = static_cast<std::size_t>(cols);
  std::vector<float> out(w.size());
  for (std::int64_t h = 0; h < heads; ++h)
    for (std::int64_t i = 0; i < half; ++i)
      for (std::int64_t j = 0; j < 2; ++j) {
        const auto to = static_cast<std::size_t>(h * d + 2 * i + j) * row_size;
        const auto from = static_cast<std::size_t>(h * d + j * half + i) * row_size;
        std::copy_n(w.begin() + static_cast<std::ptrdiff_t>(from), row_size,
                    out.begin() + static_cast<std::ptrdiff_t>(to));
      }
  return out;
}

std::vector<float> matrix_floats(const runtime::WeightMatrix& w) {
  std::vector<float> out(static_cast<std::size_t>(w.rows * w.cols));
  const runtime::DequantizeFn dequantize = runtime::tensor_type_traits(w.type).dequantize;
  for (std::int64_t r = 0; r < w.rows; ++r) dequantize(w.row(r), out.data() + r * w.cols, w.cols);
  return out;
}

std::string encoded(const float* x, std::int64_t n, TensorType type) {
  std::string out(runtime::row_bytes(type, n), '\0');
  runtime::tensor_type_traits(type).quantize(x, out.data(), n);
  return out;
}

class TensorExport {
 public:
  TensorExport(GgufWriter& writer, GgufExportType type, GgufExportSummary& summary)
      : writer_(writer), type_(type), summary_(summary) {}

  // A [rows, cols] weight in the chosen type; `rope_heads` > 0 permutes its rows for RoPE.
  void matrix(const std::string& name, const runtime::WeightMatrix& w, std::int64_t rope_heads = 0) {
    std::vector<float> x = matrix_floats(w);
    if (rope_heads > 0) x = rope_halves_to_adjacent(x, w.rows, w.cols, rope_heads);
    TensorType type = TensorType::F32;
    if (type_ == GgufExportType::F16) type = TensorType::F16;
    if (type_ == GgufExportType::Q8_0) {
      const bool whole_blocks = w.cols % runtime::tensor_type_traits(TensorType::Q8_0).block_size == 0;
      type = whole_blocks ? TensorType::Q8_0 : TensorType::F16;
      if (!whole_blocks) ++summary_.q8_0_fallbacks;
    }
    add(name, {w.cols, w.rows}, type, encoded(x.data(), w.rows * w.cols, type));
  }

  // A norm weight: F32 whatever the type, as llama.cpp writes and reads them.
  void vector(const std::string& name, const float* x, std::int64_t n) {
    add(name, {n}, TensorType::F32, encoded(x, n, TensorType::F32));
  }

 private:
  void add(const std::string& name, const std::vector<std::int64_t>& ne, TensorType type, std::string data) {
    writer_.add_tensor(name, ne, type, std::move(data));
    ++summary_.tensors;
    if (type == TensorType::F32) ++summary_.f32_tensors;
    if (type == TensorType::F16) ++summary_.f16_tensors;
    if (type == TensorType::Q8_0) ++summary_.q8_0_tensors;
  }

  GgufWriter& writer_;
  GgufExportType type_;
  GgufExportSummary& summary_;
};

std::uint32_t u32(std::int64_t v) { return static_cast<std::uint32_t>(v); }

void add_hyperparameters(GgufWriter& w, const runtime::ModelConfig& c) {
  w.add_uint32("llama.context_length", u32(c.context_length));
  w.add_uint32("llama.embedding_length", u32(c.n_embd));
  w.add_uint32("llama.block_count", u32(c.n_layer));
  w.add_uint32("llama.feed_forward_length", u32(c.n_ff));
  w.add_uint32("llama.attention.head_count", u32(c.n_head));
  w.add_uint32("llama.attention.head_count_kv", u32(c.n_head_kv));
  w.add_uint32("llama.attention.key_length", u32(c.head_dim));
  w.add_uint32("llama.attention.value_length", u32(c.head_dim));
  w.add_float32("llama.attention.layer_norm_rms_epsilon", c.rms_eps);
  w.add_float32("llama.rope.freq_base", static_cast<float>(c.rope_theta));
  w.add_uint32("llama.rope.dimension_count", u32(c.rope_dims));
  if (c.rope_linear_factor != 1.0) {
    w.add_string("llama.rope.scaling.type", "linear");
    w.add_float32("llama.rope.scaling.factor", static_cast<float>(c.rope_linear_factor));
  }
  w.add_uint32("llama.vocab_size", u32(c.n_vocab));
}

// tokenizer.ggml.*: the vocabulary padded to n_vocab with unused "[PADi]" tokens (as
// convert_hf_to_gguf.py pads; llama.cpp wants one token per embedding row).
void add_tokenizer(GgufWriter& w, const runtime::HfModel& m, const runtime::ByteLevelBpeRules& rules,
                   const std::string& tokenizer_path) {
  // llama.cpp and the runtime's GGUF reader tie skipping BPE for known words to llama-bpe.
  const bool implied_ignore_merges = rules.pre_tokenizer == PreTokenizerKind::Llama3;
  if (rules.ignore_merges != implied_ignore_merges)
    fail(
        "{}: model.ignore_merges = {} with the {} pre-tokenizer cannot be written to GGUF (llama.cpp's \"{}\" "
        "implies ignore_merges = {}, so the file would tokenize differently)",
        tokenizer_path, rules.ignore_merges, llama_cpp_pre_name(rules.pre_tokenizer),
        llama_cpp_pre_name(rules.pre_tokenizer), implied_ignore_merges);
  const runtime::Tokenizer& tok = m.tokenizer;
  std::vector<std::string> tokens;
  std::vector<std::int32_t> types;
  tokens.reserve(static_cast<std::size_t>(m.config.n_vocab));
  types.reserve(tokens.capacity());
  for (std::int64_t id = 0; id < m.config.n_vocab; ++id) {
    const auto tid = static_cast<runtime::TokenId>(id);
    const bool gap =
        id >= tok.vocab_size() || (tok.token_kind(tid) == TokenKind::Unused && tok.token_text(tid).empty());
    tokens.push_back(gap ? "[PAD" + std::to_string(id) + "]" : tok.token_text(tid));
    types.push_back(static_cast<std::int32_t>(gap ? TokenKind::Unused : tok.token_kind(tid)));
  }
  w.add_string("tokenizer.ggml.model", "gpt2");
  w.add_string("tokenizer.ggml.pre", llama_cpp_pre_name(rules.pre_tokenizer));
  w.add_string_array("tokenizer.ggml.tokens", tokens);
  w.add_int32_array("tokenizer.ggml.token_type", types);
  w.add_string_array("tokenizer.ggml.merges", rules.merges);
  if (tok.bos() >= 0) w.add_uint32("tokenizer.ggml.bos_token_id", static_cast<std::uint32_t>(tok.bos()));
  if (tok.eos() >= 0) w.add_uint32("tokenizer.ggml.eos_token_id", static_cast<std::uint32_t>(tok.eos()));
  w.add_bool("tokenizer.ggml.add_bos_token", tok.adds_bos());
  w.add_bool("tokenizer.ggml.add_eos_token", false);
  if (!m.chat_template.empty()) w.add_string("tokenizer.chat_template", m.chat_template);
}

// The folder's last name, for general.name ("runs/tiny/step-000100/" -> "step-000100").
std::string folder_name(const std::string& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

// Before the weights are read: only llama checkpoints have this export.
void check_llama(const runtime::JsonFile& config) {
  const nlohmann::json* list = config.find("architectures");
  const bool listed = list && list->is_array() && !list->empty() && (*list)[0].is_string();
  const std::string name = listed ? (*list)[0].get<std::string>() : config.get_string("model_type", "");
  if (name != "LlamaForCausalLM" && !(name == "llama" && !listed))
    fail("{}: {} \"{}\" cannot be exported to GGUF (LlamaForCausalLM checkpoints can)", config.path(),
         listed ? "architectures[0]" : "model_type", name);
}

}  // namespace

GgufExportType gguf_export_type_from_name(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (lower == "f32") return GgufExportType::F32;
  if (lower == "f16") return GgufExportType::F16;
  if (lower == "q8_0") return GgufExportType::Q8_0;
  fail("GGUF export type \"{}\" is not supported (f32, f16 and q8_0 are)", name);
}

GgufExportSummary export_gguf(const std::string& checkpoint_dir, const std::string& out_path, GgufExportType type) {
  std::error_code error;
  if (!fs::is_directory(checkpoint_dir, error))
    fail("{}: not a folder (a checkpoint folder holds config.json, model.safetensors and tokenizer.json)",
         checkpoint_dir);
  const fs::path config_path = fs::path(checkpoint_dir) / "config.json";
  const fs::path tokenizer_path = fs::path(checkpoint_dir) / "tokenizer.json";
  for (const fs::path& p : {config_path, tokenizer_path})
    if (!fs::exists(p, error)) fail("{}: missing (a checkpoint folder to export needs it)", p.string());
  check_llama(runtime::JsonFile(config_path.string()));
  const fs::path out_dir = fs::path(out_path).parent_path();
  if (!out_dir.empty() && !fs::is_directory(out_dir, error))
    fail("{}: cannot be written: the folder {} does not exist", out_path, out_dir.string());
  const runtime::HfModel m = runtime::load_hf_model(checkpoint_dir);
  const runtime::ByteLevelBpeRules rules = runtime::read_byte_level_bpe_rules(tokenizer_path.string());
  const runtime::ModelConfig& c = m.config;

  GgufWriter w;
  w.add_string("general.architecture", "llama");
  w.add_string("general.type", "model");
  w.add_string("general.name", folder_name(checkpoint_dir));
  w.add_uint32("general.file_type", type == GgufExportType::F32   ? kFileTypeAllF32
                                    : type == GgufExportType::F16 ? kFileTypeMostlyF16
                                                                  : kFileTypeMostlyQ8_0);
  w.add_uint32("general.quantization_version", kQuantizationVersion);
  add_hyperparameters(w, c);
  add_tokenizer(w, m, rules, tokenizer_path.string());

  GgufExportSummary summary;
  TensorExport t(w, type, summary);
  const runtime::ModelWeights& weights = m.weights;
  t.matrix("token_embd.weight", weights.token_embedding);
  for (std::int64_t i = 0; i < c.n_layer; ++i) {
    const runtime::LayerWeights& l = weights.layers[static_cast<std::size_t>(i)];
    const std::string p = "blk." + std::to_string(i) + ".";
    t.vector(p + "attn_norm.weight", l.attn_norm, c.n_embd);
    t.matrix(p + "attn_q.weight", l.wq, c.n_head);
    t.matrix(p + "attn_k.weight", l.wk, c.n_head_kv);
    t.matrix(p + "attn_v.weight", l.wv);
    t.matrix(p + "attn_output.weight", l.wo);
    t.vector(p + "ffn_norm.weight", l.ffn_norm, c.n_embd);
    t.matrix(p + "ffn_gate.weight", l.w_gate);
    t.matrix(p + "ffn_up.weight", l.w_up);
    t.matrix(p + "ffn_down.weight", l.w_down);
  }
  t.vector("output_norm.weight", weights.output_norm, c.n_embd);
  // Llama 3.1's scaling travels as a tensor, as convert_hf_to_gguf.py writes it.
  if (!c.rope_freq_factors.empty())
    t.vector("rope_freqs.weight", c.rope_freq_factors.data(), static_cast<std::int64_t>(c.rope_freq_factors.size()));
  // Tied: llama.cpp and the runtime use token_embd.weight when output.weight is absent.
  if (!c.tied_embeddings) t.matrix("output.weight", weights.output);

  const std::string bytes = w.bytes();
  summary.file_bytes = bytes.size();
  write_file_atomically(out_path, bytes);
  return summary;
}

}  // namespace sextant::trainer
