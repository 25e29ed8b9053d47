// Loading a model from a GGUF file or a Hugging Face folder.
#include "runtime/model/model.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "runtime/model/gguf_model_loader.hpp"
#include "runtime/model/hf_model_loader.hpp"

namespace sextant::runtime {

std::unique_ptr<Model> Model::load(const std::string& path) {
  auto m = std::unique_ptr<Model>(new Model());
  m->path_ = path;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    HfModel hf = load_hf_model(path);
    m->config_ = hf.config;
    m->weights_ = hf.weights;
    m->tokenizer_ = std::move(hf.tokenizer);
    m->chat_template_ = std::move(hf.chat_template);
    m->weight_bytes_ = hf.weight_bytes;
    m->safetensors_ = std::move(hf.files);
    m->converted_ = std::move(hf.converted);
    return m;
  }
  m->gguf_ = std::make_unique<GgufFile>(path);
  m->config_ = read_gguf_config(*m->gguf_);
  m->weights_ = bind_gguf_weights(*m->gguf_, m->config_);
  if (!m->gguf_->has("tokenizer.ggml.model")) fail("{}: the file has no tokenizer (tokenizer.ggml.model is missing)", path);
  m->tokenizer_ = Tokenizer::from_gguf(*m->gguf_);
  if (m->tokenizer_.vocab_size() > m->config_.n_vocab)
    fail("{}: tokenizer has {} tokens but token_embd.weight only {} rows", path, m->tokenizer_.vocab_size(), m->config_.n_vocab);
  m->chat_template_ = m->gguf_->get_string("tokenizer.chat_template", "");
  for (const auto& t : m->gguf_->tensors()) m->weight_bytes_ += t.bytes;
  return m;
}

}  // namespace sextant::runtime
