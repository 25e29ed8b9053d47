// Serialising float32 tensors in the safetensors format (JSON header, then the raw data).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sextant::trainer {

struct TensorToWrite {
  std::string name;
  std::vector<std::int64_t> shape;
  const float* data = nullptr;
};

// The bytes of a safetensors file holding `tensors` (F32, in the given order) and the
// free-form metadata strings; the header is padded with spaces to a multiple of 8 bytes.
std::string safetensors_bytes(const std::vector<TensorToWrite>& tensors,
                              const std::map<std::string, std::string>& metadata = {});

}  // namespace sextant::trainer
