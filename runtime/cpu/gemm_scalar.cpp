// Scalar reference GEMM: the order of gemm.hpp written out literally.
#include <cmath>

#include "runtime/cpu/gemm.hpp"
#include "runtime/half.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime {

namespace {

// The 32 weights of block b as integers (Q4_1: the unsigned nibbles, its min is separate).
void block_values(TensorType type, const std::uint8_t* row, std::int64_t b, int* q, float& scale, float& min) {
  min = 0.0f;
  if (type == TensorType::Q8_0) {
    const auto& w = reinterpret_cast<const BlockQ8_0*>(row)[b];
    for (int j = 0; j < kQK; ++j) q[j] = w.qs[j];
    scale = fp16_to_float(w.d);
  } else if (type == TensorType::Q4_0) {
    const auto& w = reinterpret_cast<const BlockQ4_0*>(row)[b];
    for (int j = 0; j < kQK / 2; ++j) {
      q[j] = (w.qs[j] & 0x0f) - 8;
      q[j + kQK / 2] = (w.qs[j] >> 4) - 8;
    }
    scale = fp16_to_float(w.d);
  } else {
    const auto& w = reinterpret_cast<const BlockQ4_1*>(row)[b];
    for (int j = 0; j < kQK / 2; ++j) {
      q[j] = w.qs[j] & 0x0f;
      q[j + kQK / 2] = w.qs[j] >> 4;
    }
    scale = fp16_to_float(w.d);
    min = fp16_to_float(w.m);
  }
}

void gemm(TensorType type, const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y,
          std::int64_t stride) {
  for (std::int64_t r = r0; r < r1; ++r) {
    for (std::int64_t t = 0; t < x.rows; ++t) {
      float acc = 0.0f;
      for (std::int64_t b = 0; b < x.blocks; ++b) {
        int q[kQK];
        float ws, wm;
        block_values(type, w.row(r), b, q, ws, wm);
        int p = 0;
        for (int k = 0; k < kQK; ++k) p += q[k] * x.value(t, b, k);
        acc = std::fma(ws * x.row_d(t)[b], static_cast<float>(p), acc);
        if (type == TensorType::Q4_1) acc = std::fma(wm, x.row_s(t)[b], acc);
      }
      y[t * stride + r] = acc;
    }
  }
}

void gemm_q8_0(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t s) {
  gemm(TensorType::Q8_0, w, r0, r1, x, y, s);
}
void gemm_q4_0(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t s) {
  gemm(TensorType::Q4_0, w, r0, r1, x, y, s);
}
void gemm_q4_1(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t s) {
  gemm(TensorType::Q4_1, w, r0, r1, x, y, s);
}

}  // namespace

const GemmKernels& scalar_gemm_kernels() {
  static const GemmKernels k{"scalar", gemm_q8_0, gemm_q4_0, gemm_q4_1};
  return k;
}

GemmFn gemm_for(TensorType type, const GemmKernels& k) {
  switch (type) {
    case TensorType::Q8_0: return k.q8_0;
    case TensorType::Q4_0: return k.q4_0;
    case TensorType::Q4_1: return k.q4_1;
    default: return nullptr;
  }
}

}  // namespace sextant::runtime
