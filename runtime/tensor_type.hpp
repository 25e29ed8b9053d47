// The table of tensor element types: one row per type drives dequantisation and dot products.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sextant::runtime {

// Ids as stored in GGUF files (ggml_type).
enum class TensorType : std::uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q8_0 = 8,
  Q8_1 = 9,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  BF16 = 30,
};

// Converts n elements (a whole number of blocks) to float.
using DequantizeFn = void (*)(const void* src, float* dst, std::int64_t n);
// Quantizes n floats (a whole number of blocks) into the type's blocks.
using QuantizeFn = void (*)(const float* src, void* dst, std::int64_t n);

struct TensorTypeTraits {
  TensorType type;
  std::string_view name;
  int block_size;           // elements per block
  std::size_t block_bytes;  // bytes per block
  DequantizeFn dequantize;
  QuantizeFn quantize;       // reference quantizer; null where the runtime never writes the type
};

// The row for a type id read from a file, or null if the runtime does not know it.
const TensorTypeTraits* find_tensor_type(std::uint32_t id);
// The row for a known type.
const TensorTypeTraits& tensor_type_traits(TensorType type);

inline std::size_t row_bytes(TensorType type, std::int64_t n) {
  const auto& t = tensor_type_traits(type);
  return static_cast<std::size_t>(n / t.block_size) * t.block_bytes;
}

}  // namespace sextant::runtime
