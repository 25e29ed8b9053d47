// Element-wise steps of the forward pass, each with one definition that every kernel
// reproduces bit for bit: SwiGLU's gate, and rows converted to fp16 for the KV cache.
#pragma once

#include <cstdint>

namespace sextant::runtime {

// gate[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + fast_exp(-x)).
void swiglu(float* gate, const float* up, std::int64_t n);
// dst[i] = float_to_fp16(src[i]) (round to nearest even).
void to_fp16(const float* src, std::uint16_t* dst, std::int64_t n);

// The scalar forms (tests compare the fast ones with them).
void swiglu_scalar(float* gate, const float* up, std::int64_t n);
void to_fp16_scalar(const float* src, std::uint16_t* dst, std::int64_t n);

}  // namespace sextant::runtime
