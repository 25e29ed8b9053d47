// Blocked matrix products: activations converted once to the weight's dot type, then row
// blocks of the weight (kept in cache) swept over every activation row.
#include "runtime/cpu/matmul.hpp"

#include <algorithm>

#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime {

namespace {

constexpr std::int64_t kRowBlock = 16;

VecDotFn kernel_for(TensorType t, TensorType dot_type, const VecDotKernels& k) {
  if (dot_type == TensorType::F32) return k.f32;  // rows converted to float first
  switch (t) {
    case TensorType::Q8_0: return k.q8_0;
    case TensorType::Q4_0: return k.q4_0;
    case TensorType::Q4_1: return k.q4_1;
    default: return k.f32;  // rows converted to float first
  }
}

}  // namespace

void weight_row_to_float(const WeightMatrix& w, std::int64_t r, float* out) {
  tensor_type_traits(w.type).dequantize(w.row(r), out, w.cols);
}

void matmul(const WeightMatrix& w, const float* x, std::int64_t n, float* y, ThreadPool& pool,
            const VecDotKernels& kernels) {
  const TensorTypeTraits& traits = tensor_type_traits(w.type);
  const TensorTypeTraits& dot = tensor_type_traits(traits.dot_type);
  const VecDotFn vec_dot = kernel_for(w.type, dot.type, kernels);
  const std::size_t x_row_bytes = row_bytes(dot.type, w.cols);

  // Activations in the dot type (a copy-free view when that is float).
  std::vector<std::uint8_t> xq;
  const std::uint8_t* xrows = reinterpret_cast<const std::uint8_t*>(x);
  if (dot.type != TensorType::F32) {
    xq.resize(x_row_bytes * static_cast<std::size_t>(n));
    pool.parallel_for(n, [&](std::int64_t t) { dot.quantize(x + t * w.cols, xq.data() + t * x_row_bytes, w.cols); });
    xrows = xq.data();
  }

  const bool direct = w.type == TensorType::F32 || dot.type != TensorType::F32;
  const std::int64_t n_blocks = (w.rows + kRowBlock - 1) / kRowBlock;
  pool.parallel_for(n_blocks, [&](std::int64_t blk) {
    const std::int64_t r0 = blk * kRowBlock, r1 = std::min(w.rows, r0 + kRowBlock);
    std::vector<float> rows_f32;
    if (!direct) {  // F16, BF16, K-quants: convert the block's rows once, reuse for every token
      rows_f32.resize(static_cast<std::size_t>((r1 - r0) * w.cols));
      for (std::int64_t r = r0; r < r1; ++r) traits.dequantize(w.row(r), rows_f32.data() + (r - r0) * w.cols, w.cols);
    }
    for (std::int64_t t = 0; t < n; ++t) {
      const std::uint8_t* xr = xrows + static_cast<std::size_t>(t) * x_row_bytes;
      for (std::int64_t r = r0; r < r1; ++r) {
        const void* wr = direct ? static_cast<const void*>(w.row(r)) : rows_f32.data() + (r - r0) * w.cols;
        y[t * w.rows + r] = vec_dot(w.cols, wr, xr);
      }
    }
  });
}

void matmul(const WeightMatrix& w, const float* x, std::int64_t n, float* y, ThreadPool& pool) {
  matmul(w, x, n, y, pool, best_vec_dot_kernels());
}

}  // namespace sextant::runtime
