// Hugging Face names and config.json keys of the llama, qwen2 and internlm2 architectures.
#include "runtime/model/hf_model_loader.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "core/error.hpp"

namespace sextant::runtime {

namespace {

namespace fs = std::filesystem;

struct KnownArchitecture {
  const char* class_name;  // config.json architectures[0]
  const char* model_type;  // config.json model_type
  Architecture arch;
};

constexpr KnownArchitecture kArchitectures[] = {
    {"LlamaForCausalLM", "llama", Architecture::Llama},
    {"Qwen2ForCausalLM", "qwen2", Architecture::Qwen2},
    {"InternLM2ForCausalLM", "internlm2", Architecture::InternLm2},
};

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

const KnownArchitecture& read_architecture(const JsonFile& c) {
  if (const nlohmann::json* list = c.find("architectures")) {
    if (!list->is_array() || list->empty() || !(*list)[0].is_string())
      fail("{}: architectures is {}, expected a list of class names", c.path(), json_excerpt(*list));
    const std::string name = (*list)[0].get<std::string>();
    for (const auto& a : kArchitectures)
      if (name == a.class_name) return a;
    fail(
        "{}: architectures[0] \"{}\" is not supported "
        "(LlamaForCausalLM, Qwen2ForCausalLM and InternLM2ForCausalLM are)",
        c.path(), name);
  }
  const std::string type = c.get_string("model_type");
  for (const auto& a : kArchitectures)
    if (type == a.model_type) return a;
  fail("{}: model_type \"{}\" is not supported (llama, qwen2 and internlm2 are)", c.path(), type);
}

// Llama 3.1's rope scaling as a factor per rotated pair, as transformers computes it (and
// convert_hf_to_gguf.py writes it to rope_freqs.weight): pairs whose wavelength is below
// original_max_position_embeddings / high_freq_factor keep their angle, those above
// original_max_position_embeddings / low_freq_factor turn `factor` times slower, and the
// ones between blend the two.
std::vector<float> llama3_rope_factors(const JsonFile& c, const std::string& prefix, const ModelConfig& config) {
  if (config.arch != Architecture::Llama) fail("{}: {}: llama3 scaling is for llama models, not {}", c.path(), prefix, config.arch_name);
  const double factor = c.get_float(prefix + ".factor");
  const double low = c.get_float(prefix + ".low_freq_factor");
  const double high = c.get_float(prefix + ".high_freq_factor");
  // transformers prefers the top-level key, where a config has one.
  const std::string context_key =
      c.has("original_max_position_embeddings") ? "original_max_position_embeddings" : prefix + ".original_max_position_embeddings";
  const double context = c.get_float(context_key);
  if (!(factor > 0)) fail("{}: {}.factor = {} must be positive", c.path(), prefix, factor);
  if (!(low > 0)) fail("{}: {}.low_freq_factor = {} must be positive", c.path(), prefix, low);
  if (!(high > low))
    fail("{}: {}.high_freq_factor = {} must exceed low_freq_factor = {}", c.path(), prefix, high, low);
  if (!(context > 0)) fail("{}: {} = {} must be positive", c.path(), context_key, context);
  std::vector<float> factors;
  const double pi = 3.14159265358979323846;
  for (std::int64_t i = 0; i < config.rope_dims / 2; ++i) {
    const double freq = std::pow(config.rope_theta, -2.0 * static_cast<double>(i) / static_cast<double>(config.rope_dims));
    const double wavelength = 2 * pi / freq;
    if (wavelength < context / high) {
      factors.push_back(1.0f);
    } else if (wavelength > context / low) {
      factors.push_back(static_cast<float>(factor));
    } else {
      const double smooth = (context / wavelength - low) / (high - low);
      factors.push_back(static_cast<float>(1.0 / ((1 - smooth) / factor + smooth)));
    }
  }
  return factors;
}

// Linear or llama3 position scaling, from transformers 5's rope_parameters or the older
// rope_theta and rope_scaling keys that published checkpoints carry.
void read_rope(const JsonFile& c, ModelConfig& config) {
  std::string prefix = "rope_scaling";
  std::string type = "default";
  config.rope_theta = c.get_float("rope_theta", 10000.0);
  if (c.has("rope_parameters")) {
    prefix = "rope_parameters";
    config.rope_theta = c.get_float("rope_parameters.rope_theta", config.rope_theta);
    type = c.get_string("rope_parameters.rope_type", type);
  } else if (c.has("rope_scaling")) {
    type = c.has("rope_scaling.rope_type") ? c.get_string("rope_scaling.rope_type") : c.get_string("rope_scaling.type");
  }
  if (!(config.rope_theta > 0)) fail("{}: rope_theta = {} must be positive", c.path(), config.rope_theta);
  if (type == "linear") {
    config.rope_linear_factor = c.get_float(prefix + ".factor");
    if (!(config.rope_linear_factor > 0))
      fail("{}: {}.factor = {} must be positive", c.path(), prefix, config.rope_linear_factor);
  } else if (type == "llama3") {
    config.rope_freq_factors = llama3_rope_factors(c, prefix, config);
  } else if (type != "default") {
    fail("{}: {}.type \"{}\" is not supported (linear and llama3 are)", c.path(), prefix, type);
  }
}

// The tensors of a checkpoint by name, across its files.
class Checkpoint {
 public:
  Checkpoint(const std::string& dir, HfModel& out) {
    const std::string index_path = (fs::path(dir) / "model.safetensors.index.json").string();
    const std::string single_path = (fs::path(dir) / "model.safetensors").string();
    if (fs::exists(index_path)) {
      listed_in_ = index_path;
      const JsonFile index(index_path);
      const nlohmann::json* map = index.find("weight_map");
      if (!map || !map->is_object()) fail("{}: weight_map is missing or not an object", index_path);
      std::map<std::string, const SafetensorsFile*> shards;
      for (const auto& [name, file] : map->items()) {
        if (!file.is_string())
          fail("{}: weight_map.{} is {}, expected a file name", index_path, name, json_excerpt(file));
        const std::string shard = file.get<std::string>();
        if (shard.empty() || fs::path(shard).filename() != shard || shard == "." || shard == "..")
          fail("{}: weight_map.{} names \"{}\", expected a file in the same folder", index_path, name, shard);
        if (!shards.count(shard)) {
          out.files.push_back(std::make_unique<SafetensorsFile>((fs::path(dir) / shard).string()));
          shards[shard] = out.files.back().get();
        }
        const SafetensorsFile* f = shards[shard];
        const SafetensorsTensor* t = f->find_tensor(name);
        if (!t) fail("{}: tensor {} is missing, though {} lists it there", f->path(), name, index_path);
        tensors_[name] = {f, t};
      }
    } else if (fs::exists(single_path)) {
      listed_in_ = single_path;
      out.files.push_back(std::make_unique<SafetensorsFile>(single_path));
      for (const auto& t : out.files.back()->tensors()) tensors_[t.name] = {out.files.back().get(), &t};
    } else {
      fail("{}: neither model.safetensors nor model.safetensors.index.json is in the folder", dir);
    }
  }

  // The tensor and the path of its file, for errors.
  std::pair<const SafetensorsFile*, const SafetensorsTensor*> get(const std::string& name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) fail("{}: tensor {} is missing", listed_in_, name);
    return it->second;
  }

 private:
  std::string listed_in_;  // model.safetensors or the index: where a missing tensor would be
  std::map<std::string, std::pair<const SafetensorsFile*, const SafetensorsTensor*>> tensors_;
};

// Binds tensors as WeightMatrix views into the maps, or as floats the model owns.
class Binder {
 public:
  Binder(const Checkpoint& checkpoint, HfModel& out) : checkpoint_(checkpoint), out_(out) {}

  // A Linear weight: PyTorch's [out, in] row-major is exactly rows = out, cols = in.
  WeightMatrix matrix(const std::string& name, std::int64_t rows, std::int64_t cols) {
    const auto [file, t] = checkpoint_.get(name);
    const TensorType type = float_type(*file, *t);
    if (t->shape.size() != 2 || t->shape[0] != rows || t->shape[1] != cols)
      fail("{}: tensor {}: shape {} does not match the configuration, expected [{}, {}]", file->path(), name,
           shape_string(t->shape), rows, cols);
    WeightMatrix w;
    w.type = type;
    w.rows = rows;
    w.cols = cols;
    w.data = aligned(*t, type);
    w.row_bytes = row_bytes(type, cols);
    return w;
  }

  // A norm weight or bias, as the floats the forward pass reads.
  const float* vector(const std::string& name, std::int64_t n) {
    const auto [file, t] = checkpoint_.get(name);
    const TensorType type = float_type(*file, *t);
    if (t->shape.size() != 1 || t->shape[0] != n)
      fail("{}: tensor {}: shape {} does not match the configuration, expected [{}]", file->path(), name,
           shape_string(t->shape), n);
    const std::uint8_t* data = aligned(*t, type);
    if (type == TensorType::F32) return reinterpret_cast<const float*>(data);
    std::vector<std::uint8_t>& buffer = out_.converted.emplace_back(static_cast<std::size_t>(n) * sizeof(float));
    tensor_type_traits(type).dequantize(data, reinterpret_cast<float*>(buffer.data()), n);
    return reinterpret_cast<const float*>(buffer.data());
  }

  // InternLM2's wqkv holds, for each kv head, its group of query heads, then its key head,
  // then its value head; the forward pass wants the three as separate matrices.
  void split_wqkv(const std::string& name, const ModelConfig& c, LayerWeights& l) {
    const std::int64_t group = c.n_head / c.n_head_kv;
    const WeightMatrix packed = matrix(name, (c.n_head + 2 * c.n_head_kv) * c.head_dim, c.n_embd);
    std::uint8_t* q = owned_matrix(packed, c.q_dim(), l.wq);
    std::uint8_t* k = owned_matrix(packed, c.kv_dim(), l.wk);
    std::uint8_t* v = owned_matrix(packed, c.kv_dim(), l.wv);
    const std::size_t head_bytes = static_cast<std::size_t>(c.head_dim) * packed.row_bytes;
    auto copy_head = [&](std::uint8_t* to, std::int64_t to_head, std::int64_t from_head) {
      std::memcpy(to + static_cast<std::size_t>(to_head) * head_bytes, packed.row(from_head * c.head_dim), head_bytes);
    };
    for (std::int64_t g = 0; g < c.n_head_kv; ++g) {
      const std::int64_t base = g * (group + 2);
      for (std::int64_t j = 0; j < group; ++j) copy_head(q, g * group + j, base + j);
      copy_head(k, g, base + group);
      copy_head(v, g, base + group + 1);
    }
  }

 private:
  static TensorType float_type(const SafetensorsFile& file, const SafetensorsTensor& t) {
    if (!t.type) fail("{}: tensor {}: dtype {} is not supported (F32, F16 and BF16 are)", file.path(), t.name, t.dtype);
    return *t.type;
  }

  // The tensor's data, copied when the file leaves it misaligned for its element type
  // (safetensors does not promise alignment).
  const std::uint8_t* aligned(const SafetensorsTensor& t, TensorType type) {
    const std::size_t element = tensor_type_traits(type).block_bytes;
    if (reinterpret_cast<std::uintptr_t>(t.data) % element == 0) return t.data;
    return out_.converted.emplace_back(t.data, t.data + t.bytes).data();
  }

  // Makes `w` a matrix shaped like `like` with `rows` rows in a buffer the model owns;
  // returns the buffer for the caller to fill.
  std::uint8_t* owned_matrix(const WeightMatrix& like, std::int64_t rows, WeightMatrix& w) {
    std::uint8_t* data = out_.converted.emplace_back(static_cast<std::size_t>(rows) * like.row_bytes).data();
    w = like;
    w.rows = rows;
    w.data = data;
    return data;
  }

  const Checkpoint& checkpoint_;
  HfModel& out_;
};

ModelWeights bind_weights(const Checkpoint& checkpoint, const ModelConfig& c, HfModel& out) {
  Binder b(checkpoint, out);
  ModelWeights w;
  const bool internlm2 = c.arch == Architecture::InternLm2;
  w.token_embedding =
      b.matrix(internlm2 ? "model.tok_embeddings.weight" : "model.embed_tokens.weight", c.n_vocab, c.n_embd);
  w.output_norm = b.vector("model.norm.weight", c.n_embd);
  w.output = c.tied_embeddings ? w.token_embedding
                               : b.matrix(internlm2 ? "output.weight" : "lm_head.weight", c.n_vocab, c.n_embd);
  for (std::int64_t i = 0; i < c.n_layer; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    LayerWeights l;
    if (internlm2) {
      l.attn_norm = b.vector(p + "attention_norm.weight", c.n_embd);
      b.split_wqkv(p + "attention.wqkv.weight", c, l);
      l.wo = b.matrix(p + "attention.wo.weight", c.n_embd, c.q_dim());
      l.ffn_norm = b.vector(p + "ffn_norm.weight", c.n_embd);
      l.w_gate = b.matrix(p + "feed_forward.w1.weight", c.n_ff, c.n_embd);
      l.w_up = b.matrix(p + "feed_forward.w3.weight", c.n_ff, c.n_embd);
      l.w_down = b.matrix(p + "feed_forward.w2.weight", c.n_embd, c.n_ff);
    } else {
      l.attn_norm = b.vector(p + "input_layernorm.weight", c.n_embd);
      l.wq = b.matrix(p + "self_attn.q_proj.weight", c.q_dim(), c.n_embd);
      l.wk = b.matrix(p + "self_attn.k_proj.weight", c.kv_dim(), c.n_embd);
      l.wv = b.matrix(p + "self_attn.v_proj.weight", c.kv_dim(), c.n_embd);
      l.wo = b.matrix(p + "self_attn.o_proj.weight", c.n_embd, c.q_dim());
      if (c.qkv_bias) {
        l.bq = b.vector(p + "self_attn.q_proj.bias", c.q_dim());
        l.bk = b.vector(p + "self_attn.k_proj.bias", c.kv_dim());
        l.bv = b.vector(p + "self_attn.v_proj.bias", c.kv_dim());
      }
      l.ffn_norm = b.vector(p + "post_attention_layernorm.weight", c.n_embd);
      l.w_gate = b.matrix(p + "mlp.gate_proj.weight", c.n_ff, c.n_embd);
      l.w_up = b.matrix(p + "mlp.up_proj.weight", c.n_ff, c.n_embd);
      l.w_down = b.matrix(p + "mlp.down_proj.weight", c.n_embd, c.n_ff);
    }
    w.layers.push_back(l);
  }
  return w;
}

// tokenizer_config.json's chat_template when it is one template, else chat_template.jinja.
std::string read_chat_template(const std::string& dir) {
  const fs::path config = fs::path(dir) / "tokenizer_config.json";
  if (fs::exists(config)) {
    const JsonFile f(config.string());
    if (const nlohmann::json* t = f.find("chat_template"); t && t->is_string()) return t->get<std::string>();
  }
  const fs::path jinja = fs::path(dir) / "chat_template.jinja";
  if (!fs::exists(jinja)) return {};
  std::ifstream in(jinja, std::ios::binary);
  if (!in) fail("{}: cannot open", jinja.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

ModelConfig read_hf_config(const JsonFile& f) {
  ModelConfig c;
  const KnownArchitecture& known = read_architecture(f);
  c.arch = known.arch;
  c.arch_name = known.model_type;
  c.qkv_bias = c.arch == Architecture::Qwen2;
  // Hugging Face llama, qwen2 and internlm2 code all rotate halves (rotate_half); only GGUF
  // llama files have Q and K permuted for adjacent pairs.
  c.rope_style = RopeStyle::Halves;

  auto reject = [&](const char* field, const char* what) {
    if (f.get_bool(field, false)) fail("{}: {} = true ({}) is not supported", f.path(), field, what);
  };
  switch (c.arch) {
    case Architecture::Llama:
      reject("attention_bias", "biases on q, k, v and o");
      reject("mlp_bias", "biases in the feed-forward block");
      break;
    case Architecture::Qwen2:
      reject("use_sliding_window", "sliding-window attention");
      break;
    case Architecture::InternLm2:
      reject("bias", "biases on wqkv and wo");
      break;
  }
  const std::string act = f.get_string("hidden_act", "silu");
  if (act != "silu") fail("{}: hidden_act \"{}\" is not supported (silu is)", f.path(), act);
  if (f.get_float("partial_rotary_factor", 1.0) != 1.0) fail("{}: partial_rotary_factor is not supported", f.path());

  auto positive = [&](const char* field, std::int64_t v) {
    if (v <= 0 || v > (1 << 24)) fail("{}: {} = {} is out of range", f.path(), field, v);
    return v;
  };
  c.n_vocab = positive("vocab_size", f.get_int("vocab_size"));
  c.n_embd = positive("hidden_size", f.get_int("hidden_size"));
  c.n_layer = positive("num_hidden_layers", f.get_int("num_hidden_layers"));
  c.n_ff = positive("intermediate_size", f.get_int("intermediate_size"));
  c.n_head = positive("num_attention_heads", f.get_int("num_attention_heads"));
  c.n_head_kv = positive("num_key_value_heads", f.get_int("num_key_value_heads", c.n_head));
  if (c.n_head % c.n_head_kv != 0)
    fail("{}: num_attention_heads {} is not a multiple of num_key_value_heads {}", f.path(), c.n_head, c.n_head_kv);
  if (f.has("head_dim")) {
    c.head_dim = positive("head_dim", f.get_int("head_dim"));
  } else {
    if (c.n_embd % c.n_head != 0)
      fail("{}: hidden_size {} is not a multiple of num_attention_heads {}", f.path(), c.n_embd, c.n_head);
    c.head_dim = c.n_embd / c.n_head;
  }
  if (c.head_dim % 8 != 0 || c.head_dim > 512) fail("{}: head size {} is not a multiple of 8 up to 512", f.path(), c.head_dim);
  c.rope_dims = c.head_dim;
  c.context_length = positive("max_position_embeddings", f.get_int("max_position_embeddings", 4096));
  c.rms_eps = static_cast<float>(f.get_float("rms_norm_eps", 1e-6));
  if (!(c.rms_eps > 0)) fail("{}: rms_norm_eps = {} must be positive", f.path(), c.rms_eps);
  read_rope(f, c);
  c.tied_embeddings = f.get_bool("tie_word_embeddings", false);
  // Float checkpoints keep float keys and values, so results match the reference's.
  c.kv_type = KvType::F32;
  return c;
}

HfModel load_hf_model(const std::string& dir) {
  HfModel m;
  m.config = read_hf_config(JsonFile((fs::path(dir) / "config.json").string()));
  const Checkpoint checkpoint(dir, m);
  m.weights = bind_weights(checkpoint, m.config, m);
  for (const auto& file : m.files)
    for (const auto& t : file->tensors()) m.weight_bytes += t.bytes;

  const std::string tokenizer_path = (fs::path(dir) / "tokenizer.json").string();
  if (!fs::exists(tokenizer_path)) fail("{}: missing (a model folder needs its tokenizer.json)", tokenizer_path);
  m.tokenizer = Tokenizer::from_tokenizer_json(tokenizer_path);
  if (m.tokenizer.vocab_size() > m.config.n_vocab)
    fail("{}: the tokenizer has {} tokens but config.json's vocab_size is only {}", tokenizer_path,
         m.tokenizer.vocab_size(), m.config.n_vocab);
  m.chat_template = read_chat_template(dir);
  return m;
}

}  // namespace sextant::runtime
