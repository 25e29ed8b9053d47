// Float matrix products for training: C = A·B or C += A·B, each output summed in one fixed order.
#pragma once

#include <cstdint>

namespace sextant::runtime {
class ThreadPool;
}

namespace sextant::trainer {

// A (m, k) is read as a[i * a_row_stride + p * a_col_stride], so a transposed operand needs
// no copy; B (k, n) and C (m, n) are row-major with leading dimensions ldb and ldc.
struct GemmOperands {
  std::int64_t m = 0, n = 0, k = 0;
  const float* a = nullptr;
  std::int64_t a_row_stride = 0, a_col_stride = 1;
  const float* b = nullptr;
  std::int64_t ldb = 0;
  std::int64_t b_col_stride = 1;  // gemm() needs 1; gemm_bf16() takes any
  float* c = nullptr;
  std::int64_t ldc = 0;
  bool accumulate = false;  // C += A·B instead of C = A·B
};

// Every output is c = (accumulate ? c : 0), then c = fma(a[i][p], b[p][j], c) for p = 0..k-1.
// All kernels follow this order bit for bit, so a result depends neither on the instruction
// set nor on the tiling nor on the number of threads (a resumed run repeats its losses).
void gemm(const GemmOperands& g, runtime::ThreadPool& pool);

// The rows [i0, i1) and columns [j0, j1) of C on the calling thread, in the same order: for
// small products inside a parallel item (attention's, one head at a time).
void gemm_block(const GemmOperands& g, std::int64_t i0, std::int64_t i1, std::int64_t j0, std::int64_t j1);

// The reference: the rows [i0, i1) and columns [j0, j1) of C, one output at a time.
void gemm_scalar(const GemmOperands& g, std::int64_t i0, std::int64_t i1, std::int64_t j0, std::int64_t j1);

// The instruction set `gemm` runs on: "avx512", "avx2" or "scalar".
const char* gemm_isa();

// Uses no kernel above `isa` ("scalar", "avx2", "avx512"); returns the previous one. Tests
// compare the kernels with each other this way.
const char* gemm_limit_isa(const char* isa);

}  // namespace sextant::trainer
