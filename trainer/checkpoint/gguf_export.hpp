// Exporting a Hugging Face llama checkpoint folder as a GGUF file that the runtime and llama.cpp load.
#pragma once

#include <cstddef>
#include <string>

namespace sextant::trainer {

// The type of the 2-D weights; norms stay F32 whatever is chosen.
enum class GgufExportType { F32, F16, Q8_0 };

// "f32", "f16" or "q8_0" (any case); throws sextant::Error naming the value otherwise.
GgufExportType gguf_export_type_from_name(const std::string& name);

struct GgufExportSummary {
  std::size_t tensors = 0;
  std::size_t f32_tensors = 0;
  std::size_t f16_tensors = 0;
  std::size_t q8_0_tensors = 0;
  // Matrices asked for as Q8_0 whose rows are not whole blocks of 32 (F16 instead, as
  // llama.cpp's convert_hf_to_gguf.py falls back).
  std::size_t q8_0_fallbacks = 0;
  std::size_t file_bytes = 0;
};

// Reads `checkpoint_dir` (config.json of a LlamaForCausalLM, its safetensors weights in
// F32, F16 or BF16, and a byte-level BPE tokenizer.json, as trainer/checkpoint/hf_checkpoint
// writes them) and writes `out_path` as GGUF v3: general.architecture llama with its
// hyperparameters, tokenizer.ggml.* (gpt2 model, the pre-tokenizer by llama.cpp's name,
// tokens padded to config.json's vocab_size), and the tensors in llama.cpp's names with
// attn_q / attn_k rows permuted from Hugging Face's rotate-half RoPE to llama's adjacent
// pairs, as convert_hf_to_gguf.py does. Throws sextant::Error naming the file and field.
GgufExportSummary export_gguf(const std::string& checkpoint_dir, const std::string& out_path, GgufExportType type);

}  // namespace sextant::trainer
