// Dot products of one stored weight row with one activation row, per weight type.
//
// Every kernel computes in one fixed order, so a result never depends on batch size,
// thread count or which other rows are computed alongside: integer sums within a block
// are exact, block results are accumulated into 8 lanes (block b into lane b % 8, float
// multiply then add, no fused multiply-add), and the lanes are summed as
// ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)). The SIMD kernels reproduce the scalar ones bit
// for bit; tests compare them.
#pragma once

#include <cstdint>

#include "runtime/tensor_type.hpp"

namespace sextant::runtime {

// n elements; w in the weight's type, x in the type's dot_type (see tensor_type.hpp).
using VecDotFn = float (*)(std::int64_t n, const void* w, const void* x);

struct VecDotKernels {
  const char* isa;  // "scalar", "avx2", "avx512vnni"
  VecDotFn f32;     // float weights (F32, or rows converted to float) x float activations
  VecDotFn q8_0;    // Q8_0 x Q8_0
  VecDotFn q4_0;    // Q4_0 x Q8_0
  VecDotFn q4_1;    // Q4_1 x Q8_1
};

// The scalar reference kernels.
const VecDotKernels& scalar_vec_dot_kernels();
// The fastest kernels this CPU runs (chosen once, at first use).
const VecDotKernels& best_vec_dot_kernels();
// Kernels for a named ISA if this CPU and build support it, else null (for tests).
const VecDotKernels* vec_dot_kernels_for(const char* isa);

// The fixed lane reduction shared by all kernels.
inline float reduce_lanes(const float* l) { return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7])); }

}  // namespace sextant::runtime
