// Matrix products on bfloat16 operands with float sums: the trainer's mixed precision, where
// weights and activations stay float and only the products' inputs are rounded.
#pragma once

#include <cstdint>

#include "runtime/half.hpp"
#include "trainer/kernels/float_gemm.hpp"

namespace sextant::runtime {
class ThreadPool;
}

namespace sextant::trainer {

// float -> bfloat16 as vcvtne2ps2bf16 rounds: runtime::float_to_bf16 (nearest even, NaN stays
// NaN), except that a denormal becomes a signed zero.
std::uint16_t float_to_bf16(float x);
using runtime::bf16_to_float;

// C = (accumulate ? C : 0) + A·B with A and B rounded to bfloat16 first, so that every product
// is exact. Per output, k is taken in pairs (p, p + 1), p = 0, 2, 4, ..., and within a pair
// c = fma(a[p + 1], b[p + 1], c), then c = fma(a[p], b[p], c): the order in which AVX512-BF16's
// vdpbf16ps adds its two products (an odd k ends with a zero partner). Every kernel and thread
// count gives the same bits, except that the instruction treats denormal inputs (C's own
// values too, when accumulating) as zero and flushes denormal results to zero, and the
// emulation does neither: a difference only below 1.2e-38. B is read as
// b[p * ldb + j * b_col_stride], so a weight can be used transposed without a copy.
void gemm_bf16(const GemmOperands& g, runtime::ThreadPool& pool);

// The reference: one output at a time, as the definition above says.
void gemm_bf16_scalar(const GemmOperands& g);

// The kernel `gemm_bf16` runs on: "avx512bf16", or "emulated" (float GEMM on rounded values).
const char* gemm_bf16_isa();

// Uses the emulation even where the instruction exists (tests compare the two); returns the
// previous setting.
bool gemm_bf16_force_emulation(bool force);

}  // namespace sextant::trainer
