// AVX-512 tile kernel of the trainer's float GEMM: 8x32 outputs held in 16 registers (4x32 at the edge).
#include <immintrin.h>

#include "trainer/kernels/float_gemm_tile.hpp"

namespace sextant::trainer {

namespace {

// Rows [i, i + kRows) by columns [j, j + 32) of C: kRows x 2 registers of outputs, each an
// fma chain over p in order; per p, two loads of B serve kRows broadcasts of A.
template <int kRows>
void tile(const GemmOperands& g, std::int64_t i, std::int64_t j) {
  const std::int64_t ars = g.a_row_stride, acs = g.a_col_stride;
  __m512 c[kRows][2];
  for (int r = 0; r < kRows; ++r) {
    float* crow = g.c + (i + r) * g.ldc + j;
    c[r][0] = g.accumulate ? _mm512_loadu_ps(crow) : _mm512_setzero_ps();
    c[r][1] = g.accumulate ? _mm512_loadu_ps(crow + 16) : _mm512_setzero_ps();
  }
  const float* a = g.a + i * ars;
  const float* b = g.b + j;
  for (std::int64_t p = 0; p < g.k; ++p, a += acs, b += g.ldb) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
    for (int r = 0; r < kRows; ++r) {
      const __m512 ar = _mm512_set1_ps(a[r * ars]);
      c[r][0] = _mm512_fmadd_ps(ar, b0, c[r][0]);
      c[r][1] = _mm512_fmadd_ps(ar, b1, c[r][1]);
    }
  }
  for (int r = 0; r < kRows; ++r) {
    float* crow = g.c + (i + r) * g.ldc + j;
    _mm512_storeu_ps(crow, c[r][0]);
    _mm512_storeu_ps(crow + 16, c[r][1]);
  }
}

}  // namespace

void gemm_avx512(const GemmOperands& g, std::int64_t i0, std::int64_t i1, std::int64_t j0, std::int64_t j1) {
  const std::int64_t rows8 = i0 + (i1 - i0) / 8 * 8, rows4 = rows8 + (i1 - rows8) / 4 * 4;
  const std::int64_t cols32 = j0 + (j1 - j0) / 32 * 32;
  // Column panels outside, row tiles inside: a panel of B (k x 32) is read by every row tile
  // while it is in the cache (the caller cuts k so that it fits in L1).
  for (std::int64_t j = j0; j < cols32; j += 32) {
    for (std::int64_t i = i0; i < rows8; i += 8) tile<8>(g, i, j);
    if (rows8 < rows4) tile<4>(g, rows8, j);
  }
  // The same order of fused multiply-adds at any width: the edges on AVX2.
  if (cols32 < j1) gemm_avx2(g, i0, rows4, cols32, j1);
  if (rows4 < i1) gemm_avx2(g, rows4, i1, j0, j1);
}

}  // namespace sextant::trainer
