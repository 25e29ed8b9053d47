// Reference quantizers for the types the runtime writes: activations for dot products, and exports.
#pragma once

#include <cstdint>

namespace sextant::runtime {

void quantize_f32(const float* src, void* dst, std::int64_t n);
void quantize_f16(const float* src, void* dst, std::int64_t n);
void quantize_bf16(const float* src, void* dst, std::int64_t n);
void quantize_q8_0(const float* src, void* dst, std::int64_t n);
void quantize_q8_1(const float* src, void* dst, std::int64_t n);
void quantize_q8_k(const float* src, void* dst, std::int64_t n);

}  // namespace sextant::runtime
