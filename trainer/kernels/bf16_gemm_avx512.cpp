// AVX512-BF16 kernels of gemm_bf16(): packing float operands into bfloat16 pairs, and tiles of
// C (up to 8 rows by 32 columns) summed with vdpbf16ps.
#include <immintrin.h>

#include <algorithm>

#include "runtime/cpu/lane_mask_avx512.hpp"
#include "trainer/kernels/bf16_gemm.hpp"
#include "trainer/kernels/bf16_gemm_tile.hpp"

namespace sextant::trainer {
namespace {

using runtime::avx512::first_lanes;

// bf16 pairs of 16 rows at one depth pair: lane l = bf16(even[l]) | bf16(odd[l]) << 16.
__m512i pairs_of(__m512 even, __m512 odd) {
  // cvtne2ps gives bf16(even) in words 0..15 and bf16(odd) in words 16..31; interleave them.
  const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23,
                                                     7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  return _mm512_permutexvar_epi16(interleave, (__m512i)_mm512_cvtne2ps_pbh(odd, even));
}

// Depth contiguous: 32 consecutive values of one row make 16 pairs. When the pairs of a row
// are not adjacent in the output (a weight read transposed), 16 rows are converted together
// and written pair by pair, 16 rows of one pair after another: the writes go to a few places
// at a time instead of one pair to each of 16 pages.
void pack_depth_contiguous(const PairPacking& p, std::int64_t r0, std::int64_t r1) {
  const std::int64_t pairs = (p.depth + 1) / 2;
  alignas(64) std::uint32_t block[16][16];
  const std::int64_t step = p.out_pair_stride == 1 ? 1 : 16;
  for (std::int64_t r = r0; r < r1; r += step) {
    const std::int64_t rows = std::min(step, r1 - r);
    for (std::int64_t q = 0; q < pairs; q += 16) {
      const std::int64_t d = 2 * q, count = std::min<std::int64_t>(16, pairs - q);
      for (std::int64_t i = 0; i < rows; ++i) {
        const float* x = p.x + (r + i) * p.row_stride;
        const __m512 lo = _mm512_maskz_loadu_ps(first_lanes(p.depth - d), x + d);
        const __m512 hi = _mm512_maskz_loadu_ps(first_lanes(std::max<std::int64_t>(p.depth - d - 16, 0)), x + d + 16);
        // Words in order: value d + w in word w, so dword l holds the pair (d + 2l, d + 2l + 1).
        const __m512i packed = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
        if (p.out_pair_stride == 1) {
          _mm512_mask_storeu_epi32(p.out + (r + i) * p.out_row_stride + q, first_lanes(count), packed);
        } else {
          _mm512_store_si512(block[i], packed);
        }
      }
      if (p.out_pair_stride == 1) continue;
      for (std::int64_t l = 0; l < count; ++l) {
        std::uint32_t* out = p.out + r * p.out_row_stride + (q + l) * p.out_pair_stride;
        for (std::int64_t i = 0; i < rows; ++i) out[i * p.out_row_stride] = block[i][l];
      }
    }
  }
}

// Rows contiguous: pairs [q0, q1) of every row, 16 rows per store. Going through the pairs
// outside reads the source row after row (a column-wise walk would touch every page of it
// once per 16 rows).
void pack_rows_contiguous(const PairPacking& p, std::int64_t q0, std::int64_t q1) {
  for (std::int64_t q = q0; q < q1; ++q) {
    const float* even_row = p.x + 2 * q * p.depth_stride;
    const bool has_odd = 2 * q + 1 < p.depth;
    for (std::int64_t r = 0; r < p.rows; r += 16) {
      const std::int64_t count = std::min<std::int64_t>(16, p.rows - r);
      const __mmask16 mask = first_lanes(count);
      const __m512 even = _mm512_maskz_loadu_ps(mask, even_row + r);
      const __m512 odd = has_odd ? _mm512_maskz_loadu_ps(mask, even_row + p.depth_stride + r) : _mm512_setzero_ps();
      const __m512i packed = pairs_of(even, odd);
      _mm512_mask_storeu_epi32(p.out + r + q * p.out_pair_stride, mask, packed);
    }
  }
}

// R rows by V vectors of 16 columns (the last one masked by `tail`), every output a chain of
// vdpbf16ps over the pairs in order.
template <int R, int V>
void tile(const PackedBf16Operands& g, bool accumulate, std::int64_t i, std::int64_t j, std::int64_t q0, std::int64_t q1,
          __mmask16 tail) {
  // Columns j..j+15 in c0, j+16..j+31 in c1 (V == 2); separate arrays keep GCC from spilling.
  const __mmask16 first = V == 1 ? tail : __mmask16(0xffff);
  __m512 c0[R], c1[R];
  _Pragma("GCC unroll 8") for (int r = 0; r < R; ++r) {
    const float* crow = g.c + (i + r) * g.ldc + j;
    c0[r] = accumulate ? _mm512_maskz_loadu_ps(first, crow) : _mm512_setzero_ps();
    c1[r] = accumulate && V == 2 ? _mm512_maskz_loadu_ps(tail, crow + 16) : _mm512_setzero_ps();
  }
  const std::uint32_t* a = g.a + i * g.a_row_stride + q0 * g.a_pair_stride;
  const std::uint32_t* b = g.b + q0 * g.n + j;
  const std::int64_t ars = g.a_row_stride;
  for (std::int64_t q = q0; q < q1; ++q, a += g.a_pair_stride, b += g.n) {
    const __m512bh b0 = (__m512bh)_mm512_maskz_loadu_epi32(first, b);
    if (V == 2) {
      const __m512bh b1 = (__m512bh)_mm512_maskz_loadu_epi32(tail, b + 16);
      _Pragma("GCC unroll 8") for (int r = 0; r < R; ++r) {
        const __m512bh ar = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[r * ars]));
        c0[r] = _mm512_dpbf16_ps(c0[r], ar, b0);
        c1[r] = _mm512_dpbf16_ps(c1[r], ar, b1);
      }
    } else {
      _Pragma("GCC unroll 8") for (int r = 0; r < R; ++r)
        c0[r] = _mm512_dpbf16_ps(c0[r], (__m512bh)_mm512_set1_epi32(static_cast<int>(a[r * ars])), b0);
    }
  }
  _Pragma("GCC unroll 8") for (int r = 0; r < R; ++r) {
    float* crow = g.c + (i + r) * g.ldc + j;
    _mm512_mask_storeu_ps(crow, first, c0[r]);
    if (V == 2) _mm512_mask_storeu_ps(crow + 16, tail, c1[r]);
  }
}

template <int V>
void row_tiles(const PackedBf16Operands& g, bool accumulate, std::int64_t i0, std::int64_t i1, std::int64_t j,
               std::int64_t q0, std::int64_t q1, __mmask16 tail) {
  std::int64_t i = i0;
  for (; i + 8 <= i1; i += 8) tile<8, V>(g, accumulate, i, j, q0, q1, tail);
  switch (i1 - i) {
    case 7: tile<7, V>(g, accumulate, i, j, q0, q1, tail); break;
    case 6: tile<6, V>(g, accumulate, i, j, q0, q1, tail); break;
    case 5: tile<5, V>(g, accumulate, i, j, q0, q1, tail); break;
    case 4: tile<4, V>(g, accumulate, i, j, q0, q1, tail); break;
    case 3: tile<3, V>(g, accumulate, i, j, q0, q1, tail); break;
    case 2: tile<2, V>(g, accumulate, i, j, q0, q1, tail); break;
    case 1: tile<1, V>(g, accumulate, i, j, q0, q1, tail); break;
    default: break;
  }
}

}  // namespace

bool packs_by_pairs(const PairPacking& p) { return p.depth_stride != 1 && p.row_stride == 1; }

void pack_pairs_avx512bf16(const PairPacking& p, std::int64_t begin, std::int64_t end) {
  if (packs_by_pairs(p)) return pack_rows_contiguous(p, begin, end);
  if (p.depth_stride == 1) return pack_depth_contiguous(p, begin, end);
  for (std::int64_t r = begin; r < end; ++r)
    for (std::int64_t q = 0; 2 * q < p.depth; ++q) {
      const float* x = p.x + r * p.row_stride + 2 * q * p.depth_stride;
      const std::uint32_t odd = 2 * q + 1 < p.depth ? float_to_bf16(x[p.depth_stride]) : 0u;
      p.out[r * p.out_row_stride + q * p.out_pair_stride] = float_to_bf16(x[0]) | odd << 16;
    }
}

void gemm_bf16_avx512(const PackedBf16Operands& g, bool accumulate, std::int64_t i0, std::int64_t i1, std::int64_t j0,
                      std::int64_t j1, std::int64_t q0, std::int64_t q1) {
  // Column panels outside, row tiles inside: a panel of B stays in L1 while every row tile
  // of the block reads it (the caller cuts the pairs so that it fits).
  std::int64_t j = j0;
  for (; j + 32 <= j1; j += 32) row_tiles<2>(g, accumulate, i0, i1, j, q0, q1, 0xffff);
  if (j1 - j > 16) {
    row_tiles<2>(g, accumulate, i0, i1, j, q0, q1, first_lanes(j1 - j - 16));
  } else if (j1 > j) {
    row_tiles<1>(g, accumulate, i0, i1, j, q0, q1, first_lanes(j1 - j));
  }
}

}  // namespace sextant::trainer
