// Integer GEMM kernels: rows of a quantized weight (Q8_0, Q4_0, Q4_1) times 8-bit activations.
//
// The result of one (row, token) pair is defined by this order, which every kernel follows
// bit for bit (tests compare the SIMD kernels with the scalar reference):
//   acc = 0; for each block b (32 elements), ascending:
//     p(b) = the exact integer sum of the block's 32 products (signed weight values);
//     acc = fma(weight_scale(b) * activation_scale(b), float(p(b)), acc);
//     for Q4_1 also acc = fma(weight_min(b), activation_scale_sum(b), acc);
//   result = acc.
// Integer sums are exact in any order, so a kernel may split p(b) as it likes (the AVX-512
// kernel keeps 16 rows in the lanes of a register); the float steps are one chain per output.
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

}  // namespace sextant::runtime
