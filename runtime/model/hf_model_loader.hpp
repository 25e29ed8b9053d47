// Reading a Llama-family model out of a Hugging Face folder: config.json, safetensors weights
// (one file or shards listed in model.safetensors.index.json) and tokenizer.json.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/formats/json_file.hpp"
#include "runtime/formats/safetensors_reader.hpp"
#include "runtime/model/model_config.hpp"
#include "runtime/model/model_weights.hpp"
#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::runtime {

// Everything a folder yields. The weights point into `files` or into `converted`, so both
// must live as long as the weights; moving this struct keeps those pointers valid.
struct HfModel {
  ModelConfig config;
  ModelWeights weights;
  Tokenizer tokenizer;
  std::string chat_template;  // tokenizer_config.json's chat_template, or empty
  std::size_t weight_bytes = 0;
  std::vector<std::unique_ptr<SafetensorsFile>> files;
  // Weights rewritten at load: norms and biases stored as F16/BF16 (the forward pass reads
  // them as floats), InternLM2's packed wqkv split into q, k and v rows, and tensors the
  // file leaves misaligned. operator new aligns each buffer for floats.
  std::vector<std::vector<std::uint8_t>> converted;
};

// config.json of a LlamaForCausalLM, Qwen2ForCausalLM or InternLM2ForCausalLM; throws
// naming the file and field. n_vocab is config.json's vocab_size.
ModelConfig read_hf_config(const JsonFile& config);

// Loads a whole folder; throws sextant::Error naming the file and the field or tensor.
HfModel load_hf_model(const std::string& dir);

}  // namespace sextant::runtime
