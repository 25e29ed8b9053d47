// Reference quantizers: the rounding rules follow ggml's so that files and dot products agree.
#include "runtime/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/half.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime {

void quantize_f32(const float* src, void* dst, std::int64_t n) {
  std::memcpy(dst, src, static_cast<std::size_t>(n) * sizeof(float));
}

void quantize_f16(const float* src, void* dst, std::int64_t n) {
  auto* y = static_cast<std::uint16_t*>(dst);
  for (std::int64_t i = 0; i < n; ++i) y[i] = float_to_fp16(src[i]);
}

void quantize_bf16(const float* src, void* dst, std::int64_t n) {
  auto* y = static_cast<std::uint16_t*>(dst);
  for (std::int64_t i = 0; i < n; ++i) y[i] = float_to_bf16(src[i]);
}

namespace {

// Symmetric 8-bit quantization of one block of 32: returns the scale, fills q.
float quantize_block_8bit(const float* x, std::int8_t* q) {
  float amax = 0.0f;
  for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  for (int j = 0; j < kQK; ++j) q[j] = static_cast<std::int8_t>(std::nearbyint(x[j] * id));
  return d;
}

}  // namespace

void quantize_q8_0(const float* src, void* dst, std::int64_t n) {
  auto* y = static_cast<BlockQ8_0*>(dst);
  for (std::int64_t i = 0; i < n / kQK; ++i) y[i].d = float_to_fp16(quantize_block_8bit(src + i * kQK, y[i].qs));
}

void quantize_q8_1(const float* src, void* dst, std::int64_t n) {
  auto* y = static_cast<BlockQ8_1*>(dst);
  for (std::int64_t i = 0; i < n / kQK; ++i) {
    const float d = quantize_block_8bit(src + i * kQK, y[i].qs);
    int sum = 0;
    for (int j = 0; j < kQK; ++j) sum += y[i].qs[j];
    y[i].d = float_to_fp16(d);
    y[i].s = float_to_fp16(d * static_cast<float>(sum));
  }
}

void quantize_q8_k(const float* src, void* dst, std::int64_t n) {
  auto* y = static_cast<BlockQ8_K*>(dst);
  for (std::int64_t i = 0; i < n / kQKK; ++i) {
    const float* x = src + i * kQKK;
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < kQKK; ++j) {
      if (std::fabs(x[j]) > amax) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    if (amax == 0.0f) {
      std::memset(&y[i], 0, sizeof(BlockQ8_K));
      continue;
    }
    const float iscale = -127.0f / max;
    for (int j = 0; j < kQKK; ++j) {
      const int v = static_cast<int>(std::nearbyint(iscale * x[j]));
      y[i].qs[j] = static_cast<std::int8_t>(std::min(127, v));
    }
    for (int j = 0; j < kQKK / 16; ++j) {
      int sum = 0;
      for (int k = 0; k < 16; ++k) sum += y[i].qs[j * 16 + k];
      y[i].bsums[j] = static_cast<std::int16_t>(sum);
    }
    y[i].d = 1.0f / iscale;
  }
}

}  // namespace sextant::runtime
