// The trainable tensors of a Llama-style decoder in one allocation, named as Hugging Face names them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/model/model_config.hpp"

namespace sextant::trainer {

struct LayerParameters {
  float* attn_norm;  // (C)
  float* wq;         // (NH * HD, C)
  float* wk;         // (NKV * HD, C)
  float* wv;         // (NKV * HD, C)
  float* wo;         // (C, NH * HD)
  float* ffn_norm;   // (C)
  float* w_gate;     // (F, C)
  float* w_up;       // (F, C)
  float* w_down;     // (C, F)
};

struct ParameterTensor {
  std::string name;                 // "model.layers.0.self_attn.q_proj.weight"
  std::vector<std::int64_t> shape;  // outermost first
  std::int64_t offset = 0;          // into the flat buffer, in floats
  std::int64_t size = 0;
  bool decay = false;  // weight decay applies (matrices), or not (norm weights)
};

// Parameters, their gradients and the optimizer's moments all have this layout, so one
// flat loop can update them together. The output projection is the token embedding (tied).
class Parameters {
 public:
  explicit Parameters(const runtime::ModelConfig& config);
  Parameters(const Parameters&) = delete;
  Parameters& operator=(const Parameters&) = delete;

  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  std::int64_t size() const { return static_cast<std::int64_t>(data_.size()); }
  const std::vector<ParameterTensor>& tensors() const { return tensors_; }
  const ParameterTensor* find(const std::string& name) const;

  float* embedding;    // (V, C)
  float* final_norm;   // (C)
  std::vector<LayerParameters> layers;

 private:
  std::vector<float> data_;
  std::vector<ParameterTensor> tensors_;
};

// The checks a config must pass to be trained: a tied Llama with RoPE over whole heads.
// Throws sextant::Error naming `where` and the field.
void check_trainable(const runtime::ModelConfig& config, const std::string& where);

// GPT-2 / Llama style initialisation from a seed: matrices normal(0, std), the residual
// projections (wo, w_down) scaled by 1 / sqrt(2 * layers), norm weights 1.
void init_parameters(Parameters& params, std::uint64_t seed, float std = 0.02f);

// Normal samples with a generator whose sequence is fixed across platforms and compilers.
class NormalSampler {
 public:
  explicit NormalSampler(std::uint64_t seed) : state_(seed) {}
  double next();

 private:
  std::uint64_t next_u64();
  std::uint64_t state_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace sextant::trainer
