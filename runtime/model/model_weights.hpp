// The weights of a Llama-family decoder, as views into a mapped model file.
#pragma once

#include <vector>

#include "runtime/cpu/matmul.hpp"

namespace sextant::runtime {

struct LayerWeights {
  const float* attn_norm = nullptr;  // (n_embd)
  WeightMatrix wq, wk, wv, wo;       // (q_dim, n_embd), (kv_dim, n_embd) x2, (n_embd, q_dim)
  const float* bq = nullptr;         // qwen2 only: (q_dim), (kv_dim), (kv_dim)
  const float* bk = nullptr;
  const float* bv = nullptr;
  const float* ffn_norm = nullptr;   // (n_embd)
  WeightMatrix w_gate, w_up, w_down; // (n_ff, n_embd) x2, (n_embd, n_ff)
};

struct ModelWeights {
  WeightMatrix token_embedding;  // (n_vocab, n_embd)
  std::vector<LayerWeights> layers;
  const float* output_norm = nullptr;
  WeightMatrix output;  // (n_vocab, n_embd); the token embedding when tied
};

}  // namespace sextant::runtime
