// A loaded model: its files, configuration, weights and tokenizer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cpu/packed_weights.hpp"
#include "runtime/formats/gguf_reader.hpp"
#include "runtime/formats/safetensors_reader.hpp"
#include "runtime/model/model_config.hpp"
#include "runtime/model/model_weights.hpp"
#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::runtime {

class Model {
 public:
  // Loads a GGUF file, or a Hugging Face folder (config.json, safetensors, tokenizer.json);
  // throws sextant::Error naming the file and field on bad input.
  static std::unique_ptr<Model> load(const std::string& path);

  const std::string& path() const { return path_; }
  const ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return weights_; }
  const Tokenizer& tokenizer() const { return tokenizer_; }
  const std::string& chat_template() const { return chat_template_; }
  // Bytes of weights in the file(s).
  std::size_t weight_bytes() const { return weight_bytes_; }

 private:
  // Repacks every Q8_0 / Q4_0 / Q4_1 matrix when the CPU has the AVX-512 kernels.
  void pack_weights();

  std::string path_;
  // The weights point into these maps (a GGUF file, or a folder's safetensors files) and
  // into converted_: weights rewritten at load (float norms, InternLM2's split wqkv).
  std::unique_ptr<GgufFile> gguf_;
  std::vector<std::unique_ptr<SafetensorsFile>> safetensors_;
  std::vector<std::vector<std::uint8_t>> converted_;
  std::vector<std::unique_ptr<PackedMatrix>> packed_;  // quantized weights repacked for the AVX-512 kernels
  ModelConfig config_;
  ModelWeights weights_;
  Tokenizer tokenizer_;
  std::string chat_template_;
  std::size_t weight_bytes_ = 0;
};

}  // namespace sextant::runtime
