// The trainer's float GEMM: the scalar reference, the choice of kernel and the split over threads.
#include "trainer/kernels/float_gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "trainer/kernels/float_gemm_tile.hpp"

namespace sextant::trainer {
namespace {

// Which kernel: 0 scalar, 1 AVX2, 2 AVX-512 (at most the CPU's best).
std::atomic<int> g_isa_cap{2};

int cpu_isa() {
#if defined(__x86_64__)
  static const int isa = __builtin_cpu_supports("avx512f")                                   ? 2
                         : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1
                                                                                           : 0;
  return isa;
#else
  return 0;
#endif
}

int active_isa() { return std::min(cpu_isa(), g_isa_cap.load()); }

// Blocks of C handed to one thread: small enough to spread a (256 x 256) product over two
// threads, large enough that a block's B panel is reused by many rows.
constexpr std::int64_t kRowBlock = 32;
constexpr std::int64_t kColBlock = 256;
// Depth of a k slice: a 128 x 32 panel of B is 16 KB.
constexpr std::int64_t kDepthBlock = 128;

}  // namespace

void gemm_scalar(const GemmOperands& g, std::int64_t i0, std::int64_t i1, std::int64_t j0, std::int64_t j1) {
  for (std::int64_t i = i0; i < i1; ++i) {
    for (std::int64_t j = j0; j < j1; ++j) {
      float* c = g.c + i * g.ldc + j;
      float acc = g.accumulate ? *c : 0.0f;
      const float* a = g.a + i * g.a_row_stride;
      const float* b = g.b + j;
      for (std::int64_t p = 0; p < g.k; ++p) acc = std::fma(a[p * g.a_col_stride], b[p * g.ldb], acc);
      *c = acc;
    }
  }
}

const char* gemm_isa() {
  static const char* const names[] = {"scalar", "avx2", "avx512"};
  return names[active_isa()];
}

const char* gemm_limit_isa(const char* isa) {
  const std::string name = isa;
  const int cap = name == "scalar" ? 0 : name == "avx2" ? 1 : 2;
  const char* previous = gemm_isa();
  g_isa_cap = cap;
  return previous;
}

void gemm_block(const GemmOperands& g, std::int64_t i0, std::int64_t i1, std::int64_t j0, std::int64_t j1) {
  const int isa = active_isa();
  // k in slices: a slice of a B panel stays in L1 while every row tile uses it. Each output
  // still adds its products in k order, through C between slices: bit for bit the same as
  // one pass.
  for (std::int64_t k0 = 0; k0 < std::max<std::int64_t>(g.k, 1); k0 += kDepthBlock) {
    GemmOperands slice = g;
    slice.k = std::min(kDepthBlock, g.k - k0);
    slice.a = g.a + k0 * g.a_col_stride;
    slice.b = g.b + k0 * g.ldb;
    slice.accumulate = g.accumulate || k0 > 0;
    if (isa == 2) {
      gemm_avx512(slice, i0, i1, j0, j1);
    } else if (isa == 1) {
      gemm_avx2(slice, i0, i1, j0, j1);
    } else {
      gemm_scalar(slice, i0, i1, j0, j1);
    }
  }
}

void gemm(const GemmOperands& g, runtime::ThreadPool& pool) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.b_col_stride != 1) fail("gemm: B must be row-major (column stride {}, not 1)", g.b_col_stride);
  const std::int64_t row_blocks = (g.m + kRowBlock - 1) / kRowBlock;
  const std::int64_t col_blocks = (g.n + kColBlock - 1) / kColBlock;
  pool.parallel_for(row_blocks * col_blocks, [&](std::int64_t item) {
    const std::int64_t i0 = item / col_blocks * kRowBlock, j0 = item % col_blocks * kColBlock;
    gemm_block(g, i0, std::min(g.m, i0 + kRowBlock), j0, std::min(g.n, j0 + kColBlock));
  });
}

}  // namespace sextant::trainer
