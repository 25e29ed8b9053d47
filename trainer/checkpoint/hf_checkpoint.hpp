// A trained model as a Hugging Face folder (config.json, model.safetensors, tokenizer.json).
#pragma once

#include <string>

#include "runtime/model/model_config.hpp"
#include "trainer/model/parameters.hpp"

namespace sextant::trainer {

struct SpecialTokenIds {
  std::int64_t bos = -1;  // -1: none
  std::int64_t eos = -1;
};

// config.json of a LlamaForCausalLM with this shape, as the runtime and transformers read it.
std::string hf_config_json(const runtime::ModelConfig& config, const SpecialTokenIds& ids);

// The weights as model.safetensors bytes (float32, Hugging Face names).
std::string hf_weights_bytes(const Parameters& params);

// Reads a folder's config.json and checks that the trainer can train it.
runtime::ModelConfig read_trainable_config(const std::string& dir);

// Loads model.safetensors of `dir` into params; every tensor must be there, F32, with the
// shape the config gives. Throws sextant::Error naming the file and tensor.
void load_hf_weights(const std::string& dir, Parameters& params);

}  // namespace sextant::trainer
