// Matrix products: Q8_0 / Q4_0 / Q4_1 weights through the integer GEMM kernels on 8-bit
// activations; every other type as float rows (converted a block of rows at a time).
#include "runtime/cpu/matmul.hpp"

#include <algorithm>

#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/packed_weights.hpp"
#include "runtime/cpu/quantized_activations.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime {

namespace {

// Rows per task: enough work per task to hide scheduling, enough tasks to balance threads;
// whole groups of 16 rows (the AVX-512 kernels' unit) where there are more than 16 rows.
std::int64_t rows_per_task(std::int64_t rows, std::int64_t n_tokens, int threads) {
  const std::int64_t by_work = std::max<std::int64_t>(16, 4096 / std::max<std::int64_t>(1, n_tokens));
  const std::int64_t by_balance = std::max<std::int64_t>(1, rows / (static_cast<std::int64_t>(threads) * 8));
  const std::int64_t chunk = std::max<std::int64_t>(1, std::min(by_work, by_balance));
  return rows <= 16 ? chunk : (chunk + 15) / 16 * 16;
}

// The AVX-512 kernels read packed weights; other matrices go to the AVX2 or scalar kernels.
const GemmKernels& kernels_for(const WeightMatrix& w) {
  static const GemmKernels* wide = gemm_kernels_for("avx512vnni");
  static const GemmKernels* narrow = gemm_kernels_for("avx2");
  if (w.packed && wide) return *wide;
  return narrow ? *narrow : scalar_gemm_kernels();
}

}  // namespace

void weight_row_to_float(const WeightMatrix& w, std::int64_t r, float* out) {
  tensor_type_traits(w.type).dequantize(w.row(r), out, w.cols);
}


void matmul_int8(const WeightMatrix& w, const float* x, std::int64_t n, float* y, ThreadPool& pool, const GemmKernels& kernels) {
  const GemmFn gemm = gemm_for(w.type, kernels);
  // Reused between calls; the workers must see the caller's buffer, not their own.
  thread_local QuantizedActivations buffer;
  QuantizedActivations& xq = buffer;
  quantize_activations(x, n, w.cols, xq, pool);
  const std::int64_t chunk = rows_per_task(w.rows, n, pool.size());
  pool.parallel_for((w.rows + chunk - 1) / chunk, [&](std::int64_t i) {
    const std::int64_t r0 = i * chunk;
    gemm(w, r0, std::min(w.rows, r0 + chunk), xq, y, w.rows);
  });
}

void matmul_float(const WeightMatrix& w, const float* x, std::int64_t n, float* y, ThreadPool& pool, const VecDotKernels& kernels) {
  const TensorTypeTraits& traits = tensor_type_traits(w.type);
  const std::int64_t chunk = rows_per_task(w.rows, n, pool.size());
  pool.parallel_for((w.rows + chunk - 1) / chunk, [&](std::int64_t i) {
    const std::int64_t r0 = i * chunk, r1 = std::min(w.rows, r0 + chunk);
    thread_local std::vector<float> rows;
    if (w.type != TensorType::F32) {
      rows.resize(static_cast<std::size_t>((r1 - r0) * w.cols));
      for (std::int64_t r = r0; r < r1; ++r) traits.dequantize(w.row(r), rows.data() + (r - r0) * w.cols, w.cols);
    }
    for (std::int64_t t = 0; t < n; ++t)
      for (std::int64_t r = r0; r < r1; ++r) {
        const float* wr = w.type == TensorType::F32 ? reinterpret_cast<const float*>(w.row(r)) : rows.data() + (r - r0) * w.cols;
        y[t * w.rows + r] = kernels.f32(w.cols, wr, x + t * w.cols);
      }
  });
}

void matmul(const WeightMatrix& w, const float* x, std::int64_t n, float* y, ThreadPool& pool) {
  if (gemm_for(w.type, kernels_for(w))) matmul_int8(w, x, n, y, pool, kernels_for(w));
  else matmul_float(w, x, n, y, pool, best_vec_dot_kernels());
}

void matmul_many(const std::vector<MatmulJob>& jobs, const float* x, std::int64_t n, ThreadPool& pool) {
  const bool all_int8 = std::all_of(jobs.begin(), jobs.end(), [&](const MatmulJob& j) {
    return gemm_for(j.w->type, kernels_for(*j.w)) != nullptr && j.w->cols == jobs.front().w->cols;
  });
  if (!all_int8) {
    for (const MatmulJob& j : jobs) matmul(*j.w, x, n, j.y, pool);
    return;
  }
  thread_local QuantizedActivations buffer;
  QuantizedActivations& xq = buffer;
  quantize_activations(x, n, jobs.front().w->cols, xq, pool);
  struct Task {
    std::size_t job;
    std::int64_t r0, r1;
  };
  std::vector<Task> tasks;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const std::int64_t rows = jobs[j].w->rows, chunk = rows_per_task(rows, n, pool.size());
    for (std::int64_t r0 = 0; r0 < rows; r0 += chunk) tasks.push_back({j, r0, std::min(rows, r0 + chunk)});
  }
  pool.parallel_for(static_cast<std::int64_t>(tasks.size()), [&](std::int64_t i) {
    const Task& t = tasks[static_cast<std::size_t>(i)];
    const MatmulJob& job = jobs[t.job];
    gemm_for(job.w->type, kernels_for(*job.w))(*job.w, t.r0, t.r1, xq, job.y, job.w->rows);
  });
}

}  // namespace sextant::runtime
