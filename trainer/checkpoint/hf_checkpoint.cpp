// Writing and reading the Hugging Face layout of the trainer's Llama models.
#include "trainer/checkpoint/hf_checkpoint.hpp"

#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/formats/json_file.hpp"
#include "runtime/formats/safetensors_reader.hpp"
#include "runtime/model/hf_model_loader.hpp"
#include "trainer/checkpoint/safetensors_writer.hpp"

namespace sextant::trainer {
namespace fs = std::filesystem;

std::string hf_config_json(const runtime::ModelConfig& c, const SpecialTokenIds& ids) {
  nlohmann::ordered_json j;
  j["architectures"] = {"LlamaForCausalLM"};
  j["model_type"] = "llama";
  j["vocab_size"] = c.n_vocab;
  j["hidden_size"] = c.n_embd;
  j["intermediate_size"] = c.n_ff;
  j["num_hidden_layers"] = c.n_layer;
  j["num_attention_heads"] = c.n_head;
  j["num_key_value_heads"] = c.n_head_kv;
  j["head_dim"] = c.head_dim;
  j["hidden_act"] = "silu";
  j["max_position_embeddings"] = c.context_length;
  j["rms_norm_eps"] = c.rms_eps;
  j["rope_theta"] = c.rope_theta;
  j["tie_word_embeddings"] = true;
  j["attention_bias"] = false;
  j["mlp_bias"] = false;
  j["torch_dtype"] = "float32";
  j["bos_token_id"] = ids.bos >= 0 ? nlohmann::ordered_json(ids.bos) : nlohmann::ordered_json(nullptr);
  j["eos_token_id"] = ids.eos >= 0 ? nlohmann::ordered_json(ids.eos) : nlohmann::ordered_json(nullptr);
  return j.dump(2) + "\n";
}

std::string hf_weights_bytes(const Parameters& params) {
  std::vector<TensorToWrite> tensors;
  for (const ParameterTensor& t : params.tensors()) tensors.push_back({t.name, t.shape, params.data() + t.offset});
  return safetensors_bytes(tensors, {{"format", "pt"}});
}

runtime::ModelConfig read_trainable_config(const std::string& dir) {
  const runtime::JsonFile file((fs::path(dir) / "config.json").string());
  runtime::ModelConfig config = runtime::read_hf_config(file);
  check_trainable(config, file.path());
  return config;
}

void load_hf_weights(const std::string& dir, Parameters& params) {
  const runtime::SafetensorsFile file((fs::path(dir) / "model.safetensors").string());
  for (const ParameterTensor& t : params.tensors()) {
    const runtime::SafetensorsTensor* s = file.find_tensor(t.name);
    if (!s) fail("{}: tensor {} is missing", file.path(), t.name);
    if (s->dtype != "F32") fail("{}: tensor {} is {}, the trainer reads F32", file.path(), t.name, s->dtype);
    if (s->shape != t.shape) fail("{}: tensor {} has the wrong shape for config.json", file.path(), t.name);
    std::memcpy(params.data() + t.offset, s->data, static_cast<std::size_t>(t.size) * sizeof(float));
  }
}

}  // namespace sextant::trainer
