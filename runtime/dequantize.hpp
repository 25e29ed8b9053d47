// Reference conversions of stored tensor types to float (n is a whole number of blocks).
#pragma once

#include <cstdint>

namespace sextant::runtime {

void dequantize_f32(const void* src, float* dst, std::int64_t n);
void dequantize_f16(const void* src, float* dst, std::int64_t n);
void dequantize_bf16(const void* src, float* dst, std::int64_t n);
void dequantize_q8_0(const void* src, float* dst, std::int64_t n);
void dequantize_q8_1(const void* src, float* dst, std::int64_t n);
void dequantize_q4_0(const void* src, float* dst, std::int64_t n);
void dequantize_q4_1(const void* src, float* dst, std::int64_t n);
void dequantize_q4_k(const void* src, float* dst, std::int64_t n);
void dequantize_q5_k(const void* src, float* dst, std::int64_t n);
void dequantize_q6_k(const void* src, float* dst, std::int64_t n);
void dequantize_q8_k(const void* src, float* dst, std::int64_t n);

// Scale and min of K-quant sub-block j from the 12 packed bytes.
void k_scale_min(int j, const std::uint8_t* scales, std::uint8_t& scale, std::uint8_t& min);

}  // namespace sextant::runtime
