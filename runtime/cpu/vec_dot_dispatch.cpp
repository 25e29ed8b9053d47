// Chooses the dot-product kernels for the CPU the process runs on.
#include <cstring>

#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx2 {
const VecDotKernels& kernels();
}
namespace avx512vnni {
const VecDotKernels& kernels();
}
#endif

const VecDotKernels* vec_dot_kernels_for(const char* isa) {
  if (std::strcmp(isa, "scalar") == 0) return &scalar_vec_dot_kernels();
#if defined(__x86_64__)
  __builtin_cpu_init();
  const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  if (std::strcmp(isa, "avx2") == 0 && has_avx2) return &avx2::kernels();
  if (std::strcmp(isa, "avx512vnni") == 0 && has_avx2 && __builtin_cpu_supports("avx512vnni") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
    return &avx512vnni::kernels();
#endif
  return nullptr;
}

const VecDotKernels& best_vec_dot_kernels() {
  static const VecDotKernels* best = [] {
    for (const char* isa : {"avx512vnni", "avx2"})
      if (const VecDotKernels* k = vec_dot_kernels_for(isa)) return k;
    return &scalar_vec_dot_kernels();
  }();
  return *best;
}

}  // namespace sextant::runtime
