// Integer GEMM kernels: rows of a quantized weight (Q8_0, Q4_0, Q4_1) times 8-bit activations.
//
// The result of one (row, token) pair is defined by this order, which every kernel follows
// bit for bit (tests compare the SIMD kernels with the scalar reference):
//   for block b (32 elements) and lane j in 0..7, p(b, j) = the exact integer sum of the
//   products of elements 4j..4j+3 (the lanes of an 8-lane int8 dot-product instruction);
//   scale(b) = weight_scale(b) * activation_scale(b), a float product;
//   acc[8 * (b % 2) + j] = fma(scale(b), float(p(b, j)), acc[8 * (b % 2) + j]), b ascending;
//   for Q4_1 also mins[b % 16] = fma(weight_min(b), activation_sum(b), mins[b % 16]);
//   result = reduce16(acc) (+ reduce16(mins)), reduce16(a) = reduce_lanes(a[j] + a[j + 8]).
// So a result never depends on batch size, thread count or which rows run together.
#pragma once

#include <cstdint>

#include "runtime/cpu/matmul.hpp"
#include "runtime/cpu/quantized_activations.hpp"

namespace sextant::runtime {

// y[t * y_stride + r] for r in [r0, r1) and every token t of x.
using GemmFn = void (*)(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y,
                        std::int64_t y_stride);

struct GemmKernels {
  const char* isa;  // "scalar", "avx2", "avx512vnni"
  GemmFn q8_0;
  GemmFn q4_0;
  GemmFn q4_1;
};

const GemmKernels& scalar_gemm_kernels();
const GemmKernels& best_gemm_kernels();
const GemmKernels* gemm_kernels_for(const char* isa);

// The GEMM kernel of a weight type, or null when the type has none.
GemmFn gemm_for(TensorType type, const GemmKernels& kernels);

// The fixed 16-lane reduction shared by the kernels.
inline float reduce16(const float* a) {
  float t[8];
  for (int j = 0; j < 8; ++j) t[j] = a[j] + a[j + 8];
  return ((t[0] + t[4]) + (t[2] + t[6])) + ((t[1] + t[5]) + (t[3] + t[7]));
}

}  // namespace sextant::runtime
