// The trainer's float GEMM: the scalar reference, the choice of kernel and the split over threads.
#include "trainer/kernels/float_gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "runtime/cpu/thread_pool.hpp"
#include "trainer/kernels/float_gemm_tile.hpp"

namespace sextant::trainer {
namespace {

std::atomic<bool> g_force_scalar{false};

bool cpu_has_avx2() {
#if defined(__x86_64__)
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

// Blocks of C handed to one thread: small enough to spread a (256 x 256) product over two
// threads, large enough that a block's B panel is reused by many rows.
constexpr std::int64_t kRowBlock = 32;
constexpr std::int64_t kColBlock = 256;

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

const char* gemm_isa() { return cpu_has_avx2() && !g_force_scalar ? "avx2" : "scalar"; }

bool gemm_force_scalar(bool force) { return g_force_scalar.exchange(force); }

void gemm(const GemmOperands& g, runtime::ThreadPool& pool) {
  if (g.m <= 0 || g.n <= 0) return;
  const bool simd = cpu_has_avx2() && !g_force_scalar;
  const std::int64_t row_blocks = (g.m + kRowBlock - 1) / kRowBlock;
  const std::int64_t col_blocks = (g.n + kColBlock - 1) / kColBlock;
  pool.parallel_for(row_blocks * col_blocks, [&](std::int64_t item) {
    const std::int64_t i0 = item / col_blocks * kRowBlock, j0 = item % col_blocks * kColBlock;
    const std::int64_t i1 = std::min(g.m, i0 + kRowBlock), j1 = std::min(g.n, j0 + kColBlock);
    if (simd) {
      gemm_avx2(g, i0, i1, j0, j1);
    } else {
      gemm_scalar(g, i0, i1, j0, j1);
    }
  });
}

}  // namespace sextant::trainer
