// A model (configs/models/*.json): its file, whether it is a chat model, how to get it.
#pragma once

#include <string>

namespace sextant::harness {

struct ModelConfig {
  std::string name;
  std::string path;   // a .gguf file or a Hugging Face folder
  bool chat = false;  // an instruction-tuned model whose prompts go through its chat template
  std::string description;
  std::string fetch_hint;   // how a user gets the file when it is missing
  std::string config_path;  // empty when --model named a file directly
};

// Reads a model config; a relative path is taken from the working directory, else from the
// folder above configs/ (the repository).
ModelConfig load_model_config(const std::string& path);

// --model as given: a config (.json), or a model file / folder used as it is (not a chat model
// unless `chat`).
ModelConfig resolve_model(const std::string& model_arg);

}  // namespace sextant::harness
