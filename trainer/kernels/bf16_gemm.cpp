// gemm_bf16(): rounding to bfloat16, the scalar reference, the emulation on float kernels, and
// the packed AVX512-BF16 path split over threads.
#include "trainer/kernels/bf16_gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include "runtime/cpu/cpu_features.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "trainer/kernels/bf16_gemm_tile.hpp"

namespace sextant::trainer {
namespace {

std::atomic<bool> g_force_emulation{false};

bool use_instruction() { return runtime::cpu_has_avx512bf16() && !g_force_emulation.load(); }

float a_at(const GemmOperands& g, std::int64_t i, std::int64_t p) {
  return p < g.k ? bf16_to_float(float_to_bf16(g.a[i * g.a_row_stride + p * g.a_col_stride])) : 0.0f;
}
float b_at(const GemmOperands& g, std::int64_t p, std::int64_t j) {
  return p < g.k ? bf16_to_float(float_to_bf16(g.b[p * g.ldb + j * g.b_col_stride])) : 0.0f;
}

// Without the instruction: the float GEMM over rounded operands whose pairs are swapped, so that
// its single fma chain in k order takes each pair's odd member first, as vdpbf16ps does.
void emulate(const GemmOperands& g, runtime::ThreadPool& pool) {
  const std::int64_t depth = (g.k + 1) / 2 * 2;
  std::vector<float> a(static_cast<std::size_t>(g.m * depth)), b(static_cast<std::size_t>(depth * g.n));
  for (std::int64_t i = 0; i < g.m; ++i)
    for (std::int64_t p = 0; p < depth; ++p) a[i * depth + (p ^ 1)] = a_at(g, i, p);
  for (std::int64_t p = 0; p < depth; ++p)
    for (std::int64_t j = 0; j < g.n; ++j) b[(p ^ 1) * g.n + j] = b_at(g, p, j);
  GemmOperands f = g;
  f.k = depth;
  f.a = a.data(), f.a_row_stride = depth, f.a_col_stride = 1;
  f.b = b.data(), f.ldb = g.n, f.b_col_stride = 1;
  gemm(f, pool);
}

// Blocks of C per thread and pairs per depth slice, as in the float GEMM: a slice of a B
// panel (128 pairs by 32 columns) is 16 KB.
constexpr std::int64_t kRowBlock = 32;
constexpr std::int64_t kColBlock = 256;
constexpr std::int64_t kDepthPairs = 128;
// Rows, or pairs, of an operand packed per parallel item.
constexpr std::int64_t kPackChunk = 32;

void pack(const PairPacking& p, runtime::ThreadPool& pool) {
  const std::int64_t count = packs_by_pairs(p) ? (p.depth + 1) / 2 : p.rows;
  pool.parallel_for((count + kPackChunk - 1) / kPackChunk, [&](std::int64_t item) {
    pack_pairs_avx512bf16(p, item * kPackChunk, std::min(count, (item + 1) * kPackChunk));
  });
}

}  // namespace

std::uint16_t float_to_bf16(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, 4);
  if ((u & 0x7f800000u) == 0) return static_cast<std::uint16_t>((u >> 16) & 0x8000u);  // zero, denormal
  return runtime::float_to_bf16(x);
}

void gemm_bf16_scalar(const GemmOperands& g) {
  for (std::int64_t i = 0; i < g.m; ++i)
    for (std::int64_t j = 0; j < g.n; ++j) {
      float* c = g.c + i * g.ldc + j;
      float acc = g.accumulate ? *c : 0.0f;
      for (std::int64_t p = 0; p < g.k; p += 2) {
        acc = std::fma(a_at(g, i, p + 1), b_at(g, p + 1, j), acc);
        acc = std::fma(a_at(g, i, p), b_at(g, p, j), acc);
      }
      *c = acc;
    }
}

const char* gemm_bf16_isa() { return use_instruction() ? "avx512bf16" : "emulated"; }

bool gemm_bf16_force_emulation(bool force) { return g_force_emulation.exchange(force); }

void gemm_bf16(const GemmOperands& g, runtime::ThreadPool& pool) {
  if (g.m <= 0 || g.n <= 0) return;
  if (!use_instruction()) return emulate(g, pool);
  const std::int64_t pairs = (g.k + 1) / 2;
  // The packed operands live on between calls (a training step makes hundreds of products).
  thread_local std::vector<std::uint32_t> a_buffer, b_buffer;
  std::vector<std::uint32_t>& a_packed = a_buffer;
  std::vector<std::uint32_t>& b_packed = b_buffer;
  a_packed.resize(static_cast<std::size_t>(std::max<std::int64_t>(g.m * pairs, 1)));
  b_packed.resize(static_cast<std::size_t>(std::max<std::int64_t>(pairs * g.n, 1)));

  // A keeps the orientation it is stored in: rows of pairs when k is contiguous, else pairs of
  // rows (then 16 rows pack with one store).
  const bool a_by_rows = g.a_col_stride == 1 || g.a_row_stride != 1;
  PairPacking pa;
  pa.x = g.a, pa.rows = g.m, pa.depth = g.k, pa.row_stride = g.a_row_stride, pa.depth_stride = g.a_col_stride;
  pa.out = a_packed.data();
  pa.out_row_stride = a_by_rows ? pairs : 1;
  pa.out_pair_stride = a_by_rows ? 1 : g.m;
  pack(pa, pool);
  PairPacking pb;  // B's column j is a row of the view
  pb.x = g.b, pb.rows = g.n, pb.depth = g.k, pb.row_stride = g.b_col_stride, pb.depth_stride = g.ldb;
  pb.out = b_packed.data(), pb.out_row_stride = 1, pb.out_pair_stride = g.n;
  pack(pb, pool);

  PackedBf16Operands op;
  op.n = g.n;
  op.a = a_packed.data(), op.a_row_stride = pa.out_row_stride, op.a_pair_stride = pa.out_pair_stride;
  op.b = b_packed.data();
  op.c = g.c, op.ldc = g.ldc;
  const std::int64_t row_blocks = (g.m + kRowBlock - 1) / kRowBlock;
  const std::int64_t col_blocks = (g.n + kColBlock - 1) / kColBlock;
  pool.parallel_for(row_blocks * col_blocks, [&](std::int64_t item) {
    const std::int64_t i0 = item / col_blocks * kRowBlock, j0 = item % col_blocks * kColBlock;
    const std::int64_t i1 = std::min(g.m, i0 + kRowBlock), j1 = std::min(g.n, j0 + kColBlock);
    // Each output goes on through C from one slice of pairs to the next: the same chain.
    for (std::int64_t q0 = 0; q0 < std::max<std::int64_t>(pairs, 1); q0 += kDepthPairs)
      gemm_bf16_avx512(op, g.accumulate || q0 > 0, i0, i1, j0, j1, q0, std::min(pairs, q0 + kDepthPairs));
  });
}

}  // namespace sextant::trainer
