// Matrix products of stored weights with activation rows: y (n, rows) = x (n, cols) . W^T.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/tensor_type.hpp"

namespace sextant::runtime {

class ThreadPool;
class PackedMatrix;
struct VecDotKernels;

// A 2-D weight in its stored type: `rows` rows of `cols` elements, row-major.
struct WeightMatrix {
  TensorType type = TensorType::F32;
  std::int64_t rows = 0, cols = 0;
  const std::uint8_t* data = nullptr;
  std::size_t row_bytes = 0;
  const PackedMatrix* packed = nullptr;  // the same weights repacked for the AVX-512 kernels, if done

  const std::uint8_t* row(std::int64_t r) const { return data + static_cast<std::size_t>(r) * row_bytes; }
  bool empty() const { return data == nullptr; }
};

// y[t * w.rows + r] = dot(W row r, x row t) for t < n. Each output is computed by the same
// kernel in the same order whatever n and the thread count are (see gemm.hpp, vec_dot.hpp).
void matmul(const WeightMatrix& w, const float* x, std::int64_t n, float* y, ThreadPool& pool);

// Several weights applied to one input (q, k and v; gate and up): the activations are
// converted once and all rows share one parallel loop. Results as from matmul().
struct MatmulJob {
  const WeightMatrix* w;
  float* y;
};
void matmul_many(const std::vector<MatmulJob>& jobs, const float* x, std::int64_t n, ThreadPool& pool);

struct GemmKernels;
// The two paths with given kernels (tests pick them): Q8_0, Q4_0 and Q4_1 weights on 8-bit
// activations; any type as float rows.
void matmul_int8(const WeightMatrix& w, const float* x, std::int64_t n, float* y, ThreadPool& pool, const GemmKernels& kernels);
void matmul_float(const WeightMatrix& w, const float* x, std::int64_t n, float* y, ThreadPool& pool, const VecDotKernels& kernels);

// One row of a weight as floats (embedding lookups).
void weight_row_to_float(const WeightMatrix& w, std::int64_t r, float* out);

}  // namespace sextant::runtime
