// Hyperparameters of a Llama-family decoder, as read from a model file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sextant::runtime {

enum class Architecture { Llama, Qwen2, InternLm2 };

// How RoPE pairs dimensions: adjacent (x[2i], x[2i+1]) as GGUF llama weights expect, or
// halves (x[i], x[i + d/2]) as Hugging Face weights and GGUF qwen2 expect.
enum class RopeStyle { Adjacent, Halves };

// How attention keys and values are cached: fp16 (half the memory; what llama.cpp does, so
// quantized GGUF models default to it) or float (exact; float checkpoints default to it).
enum class KvType { F16, F32 };

struct ModelConfig {
  Architecture arch = Architecture::Llama;
  std::string arch_name;
  std::int64_t n_vocab = 0;
  std::int64_t n_embd = 0;
  std::int64_t n_layer = 0;
  std::int64_t n_head = 0;
  std::int64_t n_head_kv = 0;
  std::int64_t head_dim = 0;
  std::int64_t n_ff = 0;
  std::int64_t context_length = 0;
  std::int64_t rope_dims = 0;  // leading dimensions of each head that are rotated
  double rope_theta = 10000.0;
  double rope_linear_factor = 1.0;  // positions are divided by this (linear scaling)
  // Per rotated pair i, its angle is divided by rope_freq_factors[i] (Llama 3.1's "llama3"
  // scaling; GGUF's rope_freqs.weight); empty for none.
  std::vector<float> rope_freq_factors;
  RopeStyle rope_style = RopeStyle::Adjacent;
  float rms_eps = 1e-5f;
  bool tied_embeddings = false;
  bool qkv_bias = false;
  KvType kv_type = KvType::F32;

  std::int64_t q_dim() const { return n_head * head_dim; }
  std::int64_t kv_dim() const { return n_head_kv * head_dim; }
};

}  // namespace sextant::runtime
