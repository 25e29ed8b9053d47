// Chooses the float dot-product kernel for the CPU the process runs on.
#include <cstring>

#include "runtime/cpu/vec_dot.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx2 {
const VecDotKernels& vec_dot_kernels();
}
#endif

const VecDotKernels* vec_dot_kernels_for(const char* isa) {
  if (std::strcmp(isa, "scalar") == 0) return &scalar_vec_dot_kernels();
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (std::strcmp(isa, "avx2") == 0 && __builtin_cpu_supports("avx2")) return &avx2::vec_dot_kernels();
#endif
  return nullptr;
}

const VecDotKernels& best_vec_dot_kernels() {
  static const VecDotKernels* best = [] {
    const VecDotKernels* k = vec_dot_kernels_for("avx2");
    return k ? k : &scalar_vec_dot_kernels();
  }();
  return *best;
}

}  // namespace sextant::runtime
