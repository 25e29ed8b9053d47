// The SIMD tile kernels behind gemm(): blocks of C computed in registers (AVX2: 4 rows by 16 columns; AVX-512: 8 or 4 rows by 32).
#pragma once

#include <cstdint>

#include "trainer/kernels/float_gemm.hpp"

namespace sextant::trainer {

// Rows [i0, i1) and columns [j0, j1) of C with AVX2 + FMA; edges fall back to gemm_scalar.
void gemm_avx2(const GemmOperands& g, std::int64_t i0, std::int64_t i1, std::int64_t j0, std::int64_t j1);

// The same with AVX-512F, 32 columns per tile; edges fall back to gemm_avx2.
void gemm_avx512(const GemmOperands& g, std::int64_t i0, std::int64_t i1, std::int64_t j0, std::int64_t j1);

}  // namespace sextant::trainer
