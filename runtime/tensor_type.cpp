// The tensor type table: adding a type is adding a row here and its kernels.
#include "runtime/tensor_type.hpp"

#include <array>

#include "core/error.hpp"
#include "runtime/dequantize.hpp"
#include "runtime/quant_blocks.hpp"
#include "runtime/quantize.hpp"

namespace sextant::runtime {

namespace {

constexpr std::array kTypes = {
    TensorTypeTraits{TensorType::F32, "F32", 1, 4, dequantize_f32, quantize_f32},
    TensorTypeTraits{TensorType::F16, "F16", 1, 2, dequantize_f16, quantize_f16},
    TensorTypeTraits{TensorType::BF16, "BF16", 1, 2, dequantize_bf16, quantize_bf16},
    TensorTypeTraits{TensorType::Q8_0, "Q8_0", kQK, sizeof(BlockQ8_0), dequantize_q8_0, quantize_q8_0},
    TensorTypeTraits{TensorType::Q8_1, "Q8_1", kQK, sizeof(BlockQ8_1), dequantize_q8_1, quantize_q8_1},
    TensorTypeTraits{TensorType::Q4_0, "Q4_0", kQK, sizeof(BlockQ4_0), dequantize_q4_0, nullptr},
    TensorTypeTraits{TensorType::Q4_1, "Q4_1", kQK, sizeof(BlockQ4_1), dequantize_q4_1, nullptr},
    // K-quants run through the float path (rows converted to float): exact, and rare in small models.
    TensorTypeTraits{TensorType::Q4_K, "Q4_K", kQKK, sizeof(BlockQ4_K), dequantize_q4_k, nullptr},
    TensorTypeTraits{TensorType::Q5_K, "Q5_K", kQKK, sizeof(BlockQ5_K), dequantize_q5_k, nullptr},
    TensorTypeTraits{TensorType::Q6_K, "Q6_K", kQKK, sizeof(BlockQ6_K), dequantize_q6_k, nullptr},
    TensorTypeTraits{TensorType::Q8_K, "Q8_K", kQKK, sizeof(BlockQ8_K), dequantize_q8_k, quantize_q8_k},
};

}  // namespace

const TensorTypeTraits* find_tensor_type(std::uint32_t id) {
  for (const auto& t : kTypes)
    if (static_cast<std::uint32_t>(t.type) == id) return &t;
  return nullptr;
}

const TensorTypeTraits& tensor_type_traits(TensorType type) {
  const TensorTypeTraits* t = find_tensor_type(static_cast<std::uint32_t>(type));
  if (!t) fail("unknown tensor type id {}", static_cast<std::uint32_t>(type));
  return *t;
}

}  // namespace sextant::runtime
