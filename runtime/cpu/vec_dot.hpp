// Dot products of float rows, for weights kept as (or converted to) float.
//
// One fixed order, whatever the batch, thread count or instruction set: element i goes
// to lane i % 8 (multiply, then add), and the lanes reduce as reduce_lanes() does. The
// AVX2 kernel reproduces the scalar reference bit for bit; tests compare them.
#pragma once

#include <cstdint>

namespace sextant::runtime {

using VecDotFn = float (*)(std::int64_t n, const float* w, const float* x);

struct VecDotKernels {
  const char* isa;  // "scalar", "avx2"
  VecDotFn f32;
};

const VecDotKernels& scalar_vec_dot_kernels();
const VecDotKernels& best_vec_dot_kernels();
const VecDotKernels* vec_dot_kernels_for(const char* isa);

// The fixed reduction of 8 lanes shared by the kernels.
inline float reduce_lanes(const float* l) { return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7])); }

}  // namespace sextant::runtime
