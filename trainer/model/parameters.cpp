// Layout, names and initialisation of the trainer's parameter buffer.
#include "trainer/model/parameters.hpp"

#include <cmath>

#include "core/error.hpp"
#include "trainer/data/hashing.hpp"

namespace sextant::trainer {

Parameters::Parameters(const runtime::ModelConfig& c) {
  const std::int64_t C = c.n_embd, Q = c.q_dim(), KV = c.kv_dim(), F = c.n_ff;
  std::int64_t offset = 0;
  auto add = [&](std::string name, std::vector<std::int64_t> shape) {
    std::int64_t size = 1;
    for (std::int64_t d : shape) size *= d;
    const bool decay = shape.size() == 2;
    tensors_.push_back({std::move(name), std::move(shape), offset, size, decay});
    offset += size;
  };
  add("model.embed_tokens.weight", {c.n_vocab, C});
  for (std::int64_t l = 0; l < c.n_layer; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    add(p + "input_layernorm.weight", {C});
    add(p + "self_attn.q_proj.weight", {Q, C});
    add(p + "self_attn.k_proj.weight", {KV, C});
    add(p + "self_attn.v_proj.weight", {KV, C});
    add(p + "self_attn.o_proj.weight", {C, Q});
    add(p + "post_attention_layernorm.weight", {C});
    add(p + "mlp.gate_proj.weight", {F, C});
    add(p + "mlp.up_proj.weight", {F, C});
    add(p + "mlp.down_proj.weight", {C, F});
  }
  add("model.norm.weight", {C});
  data_.assign(static_cast<std::size_t>(offset), 0.0f);

  float* base = data_.data();
  std::size_t t = 0;
  auto next = [&] { return base + tensors_[t++].offset; };
  embedding = next();
  for (std::int64_t l = 0; l < c.n_layer; ++l) {
    LayerParameters lp{};
    lp.attn_norm = next();
    lp.wq = next();
    lp.wk = next();
    lp.wv = next();
    lp.wo = next();
    lp.ffn_norm = next();
    lp.w_gate = next();
    lp.w_up = next();
    lp.w_down = next();
    layers.push_back(lp);
  }
  final_norm = next();
}

const ParameterTensor* Parameters::find(const std::string& name) const {
  for (const ParameterTensor& t : tensors_)
    if (t.name == name) return &t;
  return nullptr;
}

void check_trainable(const runtime::ModelConfig& c, const std::string& where) {
  if (c.arch != runtime::Architecture::Llama) fail("{}: the trainer trains llama models, not {}", where, c.arch_name);
  if (!c.tied_embeddings) fail("{}: tie_word_embeddings must be true (the trainer ties the output to the embedding)", where);
  if (c.qkv_bias) fail("{}: attention biases are not supported by the trainer", where);
  if (c.rope_dims != c.head_dim) fail("{}: partial rotary embeddings are not supported by the trainer", where);
  if (c.rope_linear_factor != 1.0 || !c.rope_freq_factors.empty())
    fail("{}: rope_scaling is not supported by the trainer", where);
  if (c.n_head % c.n_head_kv != 0)
    fail("{}: num_attention_heads ({}) must be a multiple of num_key_value_heads ({})", where, c.n_head, c.n_head_kv);
  if (c.head_dim % 2 != 0) fail("{}: head_dim ({}) must be even for RoPE", where, c.head_dim);
}

// splitmix64: a fixed, well-mixed sequence from any seed.
std::uint64_t NormalSampler::next_u64() { return mix64(state_ += 0x9E3779B97F4A7C15ull); }

double NormalSampler::next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Box-Muller on two uniforms in (0, 1].
  const double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(2.0 * M_PI * u2);
  has_spare_ = true;
  return r * std::cos(2.0 * M_PI * u2);
}

void init_parameters(Parameters& params, std::uint64_t seed, float std) {
  NormalSampler normal(seed);
  const std::int64_t n_layer = static_cast<std::int64_t>(params.layers.size());
  const double residual_std = std / std::sqrt(2.0 * static_cast<double>(n_layer));
  for (const ParameterTensor& t : params.tensors()) {
    float* w = params.data() + t.offset;
    if (!t.decay) {
      for (std::int64_t i = 0; i < t.size; ++i) w[i] = 1.0f;
      continue;
    }
    const bool residual = t.name.ends_with("o_proj.weight") || t.name.ends_with("down_proj.weight");
    const double s = residual ? residual_std : std;
    for (std::int64_t i = 0; i < t.size; ++i) w[i] = static_cast<float>(s * normal.next());
  }
}

}  // namespace sextant::trainer
