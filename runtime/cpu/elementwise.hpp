// Element-wise steps of the forward pass, each with one definition that every kernel
// reproduces bit for bit: SwiGLU's gate, rows converted to fp16 for the KV cache, and
// values rounded through fp16 (the scales of quantized activations), and RMSNorm.
#pragma once

#include <cstdint>

namespace sextant::runtime {

// gate[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + fast_exp(-x)).
void swiglu(float* gate, const float* up, std::int64_t n);
// dst[i] = float_to_fp16(src[i]) (round to nearest even).
void to_fp16(const float* src, std::uint16_t* dst, std::int64_t n);
// v[i] = fp16_to_float(float_to_fp16(v[i])): the nearest fp16 value, as a float.
void round_to_fp16(float* v, std::int64_t n);
// out = x / rms(x) * weight over d elements: lane sums of double(x_i)^2 over i = l mod 16 in
// index order, added in lane order; scale = float(1 / sqrt(sum / d + eps)); out_i = (x_i * scale) * weight_i.
void rms_norm_row(const float* x, const float* weight, std::int64_t d, float eps, float* out);

// The scalar forms (tests compare the fast ones with them).
void swiglu_scalar(float* gate, const float* up, std::int64_t n);
void to_fp16_scalar(const float* src, std::uint16_t* dst, std::int64_t n);
void round_to_fp16_scalar(float* v, std::int64_t n);
void rms_norm_row_scalar(const float* x, const float* weight, std::int64_t d, float eps, float* out);

}  // namespace sextant::runtime
