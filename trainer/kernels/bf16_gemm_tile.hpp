// The AVX512-BF16 side of gemm_bf16(): operands packed as pairs of bfloat16 along k, and the
// tile kernel over them. Only called where the CPU has AVX512-BF16.
#pragma once

#include <cstdint>

namespace sextant::trainer {

// A view X(r, p) = x[r * row_stride + p * depth_stride] of float rows r < rows, depth p < depth,
// packed into 32-bit pairs out[r * out_row_stride + q * out_pair_stride] whose low half is
// bf16(X(r, 2q)) and high half bf16(X(r, 2q + 1)) (0 past the depth): the operand form of
// vdpbf16ps.
struct PairPacking {
  const float* x = nullptr;
  std::int64_t rows = 0, depth = 0, row_stride = 0, depth_stride = 0;
  std::uint32_t* out = nullptr;
  std::int64_t out_row_stride = 0, out_pair_stride = 0;
};

// Whether the packing is split by pairs (rows contiguous in the source) rather than by rows;
// such a packing writes the rows of a pair side by side (out_row_stride must be 1).
bool packs_by_pairs(const PairPacking& p);
// Packs the pairs [begin, end) of every row, or every pair of the rows [begin, end).
void pack_pairs_avx512bf16(const PairPacking& p, std::int64_t begin, std::int64_t end);

// Both operands packed: A's pair q of row i at a[i * a_row_stride + q * a_pair_stride], B's
// pair q of column j at b[q * n + j].
struct PackedBf16Operands {
  std::int64_t n = 0;
  const std::uint32_t* a = nullptr;
  std::int64_t a_row_stride = 0, a_pair_stride = 0;
  const std::uint32_t* b = nullptr;
  float* c = nullptr;
  std::int64_t ldc = 0;
};

// Rows [i0, i1) and columns [j0, j1) of C over the pairs [q0, q1); C starts from its own
// value when `accumulate`, else from 0.
void gemm_bf16_avx512(const PackedBf16Operands& g, bool accumulate, std::int64_t i0, std::int64_t i1, std::int64_t j0,
                      std::int64_t j1, std::int64_t q0, std::int64_t q1);

}  // namespace sextant::trainer
