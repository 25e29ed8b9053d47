// Chooses the GEMM kernels for the CPU the process runs on.
#include <cstring>

#include "runtime/cpu/gemm.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx2 {
const GemmKernels& gemm_kernels();
}
namespace avx512 {
const GemmKernels& gemm_kernels();
}
#endif

const GemmKernels* gemm_kernels_for(const char* isa) {
  if (std::strcmp(isa, "scalar") == 0) return &scalar_gemm_kernels();
#if defined(__x86_64__)
  __builtin_cpu_init();
  // Every CPU with AVX2 and FMA also has F16C (which GCC and clang builtins do not all name).
  const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (std::strcmp(isa, "avx2") == 0 && has_avx2) return &avx2::gemm_kernels();
  if (std::strcmp(isa, "avx512vnni") == 0 && has_avx2 && __builtin_cpu_supports("avx512vnni") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
    return &avx512::gemm_kernels();
#endif
  return nullptr;
}

const GemmKernels& best_gemm_kernels() {
  static const GemmKernels* best = [] {
    for (const char* isa : {"avx512vnni", "avx2"})
      if (const GemmKernels* k = gemm_kernels_for(isa)) return k;
    return &scalar_gemm_kernels();
  }();
  return *best;
}

}  // namespace sextant::runtime
