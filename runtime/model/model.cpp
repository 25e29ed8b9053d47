// Loading a model from a file.
#include "runtime/model/model.hpp"

#include "core/error.hpp"
#include "runtime/model/gguf_model_loader.hpp"

namespace sextant::runtime {

std::unique_ptr<Model> Model::load(const std::string& path) {
  auto m = std::unique_ptr<Model>(new Model());
  m->path_ = path;
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
