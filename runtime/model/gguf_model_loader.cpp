// GGUF names and keys of the llama, qwen2 and internlm2 architectures.
#include "runtime/model/gguf_model_loader.hpp"

#include <cmath>

#include "core/error.hpp"

namespace sextant::runtime {

namespace {

std::string shape_string(const std::vector<std::int64_t>& ne) {
  std::string s = "[";
  for (std::size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
  return s + "]";
}

// A 2-D weight with ne = [cols, rows].
WeightMatrix matrix(const GgufFile& f, const std::string& name, std::int64_t rows, std::int64_t cols) {
  const GgufTensor& t = f.tensor(name);
  if (t.ne.size() != 2 || t.ne[0] != cols || t.ne[1] != rows)
    fail("{}: tensor {}: shape {} does not match the configuration, expected [{}, {}]", f.path(), name, shape_string(t.ne),
         cols, rows);
  WeightMatrix w;
  w.type = t.type;
  w.rows = rows;
  w.cols = cols;
  w.data = t.data;
  w.row_bytes = row_bytes(t.type, cols);
  return w;
}

// A 1-D float vector (norm weights, biases).
const float* vector(const GgufFile& f, const std::string& name, std::int64_t n) {
  const GgufTensor& t = f.tensor(name);
  if (t.ne.size() != 1 || t.ne[0] != n) fail("{}: tensor {}: shape {}, expected [{}]", f.path(), name, shape_string(t.ne), n);
  if (t.type != TensorType::F32)
    fail("{}: tensor {}: type {} where F32 is expected", f.path(), name, tensor_type_traits(t.type).name);
  if (reinterpret_cast<std::uintptr_t>(t.data) % alignof(float) != 0) fail("{}: tensor {}: data is not 4-byte aligned", f.path(), name);
  return reinterpret_cast<const float*>(t.data);
}

}  // namespace

ModelConfig read_gguf_config(const GgufFile& f) {
  ModelConfig c;
  c.arch_name = f.get_string("general.architecture");
  if (c.arch_name == "llama") {
    c.arch = Architecture::Llama;
    c.rope_style = RopeStyle::Adjacent;
  } else if (c.arch_name == "qwen2") {
    c.arch = Architecture::Qwen2;
    c.rope_style = RopeStyle::Halves;
    c.qkv_bias = true;
  } else if (c.arch_name == "internlm2") {
    c.arch = Architecture::InternLm2;
    c.rope_style = RopeStyle::Adjacent;
  } else {
    fail("{}: general.architecture \"{}\" is not supported (llama, qwen2 and internlm2 are)", f.path(), c.arch_name);
  }
  const std::string a = c.arch_name + ".";
  auto positive = [&](const std::string& key, std::int64_t v) {
    if (v <= 0 || v > (1 << 24)) fail("{}: {} = {} is out of range", f.path(), key, v);
    return v;
  };
  c.n_embd = positive(a + "embedding_length", static_cast<std::int64_t>(f.get_uint(a + "embedding_length")));
  c.n_layer = positive(a + "block_count", static_cast<std::int64_t>(f.get_uint(a + "block_count")));
  c.n_ff = positive(a + "feed_forward_length", static_cast<std::int64_t>(f.get_uint(a + "feed_forward_length")));
  c.n_head = positive(a + "attention.head_count", static_cast<std::int64_t>(f.get_uint(a + "attention.head_count")));
  c.n_head_kv = positive(a + "attention.head_count_kv",
                         static_cast<std::int64_t>(f.get_uint(a + "attention.head_count_kv", static_cast<std::uint64_t>(c.n_head))));
  if (c.n_head % c.n_head_kv != 0)
    fail("{}: {}attention.head_count {} is not a multiple of head_count_kv {}", f.path(), a, c.n_head, c.n_head_kv);
  if (c.n_embd % c.n_head != 0) fail("{}: {}embedding_length {} is not a multiple of head_count {}", f.path(), a, c.n_embd, c.n_head);
  c.head_dim = static_cast<std::int64_t>(f.get_uint(a + "attention.key_length", static_cast<std::uint64_t>(c.n_embd / c.n_head)));
  c.rope_dims = static_cast<std::int64_t>(f.get_uint(a + "rope.dimension_count", static_cast<std::uint64_t>(c.head_dim)));
  if (c.head_dim % 8 != 0 || c.head_dim > 512) fail("{}: head size {} is not a multiple of 8 up to 512", f.path(), c.head_dim);
  if (c.rope_dims > c.head_dim || c.rope_dims % 2 != 0)
    fail("{}: {}rope.dimension_count {} is invalid for head size {}", f.path(), a, c.rope_dims, c.head_dim);
  c.context_length = static_cast<std::int64_t>(f.get_uint(a + "context_length", 4096));
  c.rope_theta = f.get_float(a + "rope.freq_base", 10000.0);
  c.rms_eps = static_cast<float>(f.get_float(a + "attention.layer_norm_rms_epsilon", 1e-5));
  const std::string scaling = f.get_string(a + "rope.scaling.type", "none");
  if (scaling == "linear") {
    c.rope_linear_factor = f.get_float(a + "rope.scaling.factor", 1.0);
    if (c.rope_linear_factor <= 0) fail("{}: {}rope.scaling.factor must be positive", f.path(), a);
  } else if (scaling != "none") {
    fail("{}: {}rope.scaling.type \"{}\" is not supported (none, linear)", f.path(), a, scaling);
  }
  // Llama 3.1's scaling: a factor per rotated pair, as a tensor beside the weights (llama.cpp
  // reads it for llama; for qwen2 and internlm2 it has no use and refuses the file).
  if (f.find_tensor("rope_freqs.weight") != nullptr) {
    if (c.arch != Architecture::Llama) fail("{}: tensor rope_freqs.weight is not used by architecture {}", f.path(), c.arch_name);
    const float* factors = vector(f, "rope_freqs.weight", c.rope_dims / 2);
    c.rope_freq_factors.assign(factors, factors + c.rope_dims / 2);
    for (std::size_t i = 0; i < c.rope_freq_factors.size(); ++i)
      if (!std::isfinite(c.rope_freq_factors[i]) || !(c.rope_freq_factors[i] > 0))
        fail("{}: tensor rope_freqs.weight[{}] = {}, factors must be positive and finite", f.path(), i,
             c.rope_freq_factors[i]);
  }
  const GgufTensor& emb = f.tensor("token_embd.weight");
  if (emb.ne.size() != 2) fail("{}: tensor token_embd.weight has {} dimensions, expected 2", f.path(), emb.ne.size());
  c.n_vocab = emb.ne[1];
  c.tied_embeddings = f.find_tensor("output.weight") == nullptr;
  c.kv_type = KvType::F16;
  return c;
}

ModelWeights bind_gguf_weights(const GgufFile& f, const ModelConfig& c) {
  ModelWeights w;
  w.token_embedding = matrix(f, "token_embd.weight", c.n_vocab, c.n_embd);
  w.output_norm = vector(f, "output_norm.weight", c.n_embd);
  w.output = c.tied_embeddings ? w.token_embedding : matrix(f, "output.weight", c.n_vocab, c.n_embd);
  for (std::int64_t i = 0; i < c.n_layer; ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    LayerWeights l;
    l.attn_norm = vector(f, p + "attn_norm.weight", c.n_embd);
    l.wq = matrix(f, p + "attn_q.weight", c.q_dim(), c.n_embd);
    l.wk = matrix(f, p + "attn_k.weight", c.kv_dim(), c.n_embd);
    l.wv = matrix(f, p + "attn_v.weight", c.kv_dim(), c.n_embd);
    l.wo = matrix(f, p + "attn_output.weight", c.n_embd, c.q_dim());
    if (c.qkv_bias) {
      l.bq = vector(f, p + "attn_q.bias", c.q_dim());
      l.bk = vector(f, p + "attn_k.bias", c.kv_dim());
      l.bv = vector(f, p + "attn_v.bias", c.kv_dim());
    }
    l.ffn_norm = vector(f, p + "ffn_norm.weight", c.n_embd);
    l.w_gate = matrix(f, p + "ffn_gate.weight", c.n_ff, c.n_embd);
    l.w_up = matrix(f, p + "ffn_up.weight", c.n_ff, c.n_embd);
    l.w_down = matrix(f, p + "ffn_down.weight", c.n_embd, c.n_ff);
    w.layers.push_back(l);
  }
  return w;
}

}  // namespace sextant::runtime
