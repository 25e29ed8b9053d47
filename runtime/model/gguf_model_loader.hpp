// Reading a Llama-family model's configuration and weights out of a GGUF file.
#pragma once

#include "runtime/formats/gguf_reader.hpp"
#include "runtime/model/model_config.hpp"
#include "runtime/model/model_weights.hpp"

namespace sextant::runtime {

ModelConfig read_gguf_config(const GgufFile& file);
// Binds every tensor, checking names, types and shapes against the configuration.
ModelWeights bind_gguf_weights(const GgufFile& file, const ModelConfig& config);

}  // namespace sextant::runtime
