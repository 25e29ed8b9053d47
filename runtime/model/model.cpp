// Loading a model from a GGUF file or a Hugging Face folder.
#include "runtime/model/model.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "runtime/model/gguf_model_loader.hpp"
#include "runtime/cpu/gemm.hpp"
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
  for (const char* key : {"tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.token_type", "tokenizer.ggml.scores"})
    m->gguf_->forget(key);
  if (m->tokenizer_.vocab_size() > m->config_.n_vocab)
    fail("{}: tokenizer has {} tokens but token_embd.weight only {} rows", path, m->tokenizer_.vocab_size(), m->config_.n_vocab);
  m->chat_template_ = m->gguf_->get_string("tokenizer.chat_template", "");
  m->pack_weights();
  for (const auto& t : m->gguf_->tensors()) m->weight_bytes_ += t.bytes;
  return m;
}

}  // namespace sextant::runtime

namespace sextant::runtime {

void Model::pack_weights() {
  if (!gemm_kernels_for("avx512vnni")) return;
  std::vector<WeightMatrix*> matrices{&weights_.token_embedding, &weights_.output};
  for (auto& l : weights_.layers)
    for (WeightMatrix* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) matrices.push_back(w);
  for (WeightMatrix* w : matrices) {
    if (w->empty() || !gemm_for(w->type, scalar_gemm_kernels())) continue;
    // A tied output head shares the embedding's data: pack it once.
    const PackedMatrix* same = nullptr;
    for (WeightMatrix* other : matrices)
      if (other != w && other->data == w->data && other->packed) same = other->packed;
    if (same) {
      w->packed = same;
      continue;
    }
    packed_.push_back(PackedMatrix::pack(*w));
    w->packed = packed_.back().get();
    // The packed copy is what runs from now on: the file's pages for this matrix need not
    // stay resident (embedding rows are read back from the file as tokens use them).
    if (gguf_) gguf_->release_pages(w->data, w->row_bytes * static_cast<std::size_t>(w->rows));
  }
}

}  // namespace sextant::runtime
