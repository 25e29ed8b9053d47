// Chooses the attention kernel for the CPU the process runs on.
#include <cstring>
#include <initializer_list>

#include "runtime/cpu/attention.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx2 {
AttentionFn attention_kernel();
}
namespace avx512 {
AttentionFn attention_kernel();
}
#endif

AttentionFn attention_for(const char* isa) {
  if (std::strcmp(isa, "scalar") == 0) return scalar_attention();
#if defined(__x86_64__)
  __builtin_cpu_init();
  const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (std::strcmp(isa, "avx2") == 0 && has_avx2) return avx2::attention_kernel();
  if (std::strcmp(isa, "avx512") == 0 && has_avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    return avx512::attention_kernel();
#endif
  return nullptr;
}

AttentionFn best_attention() {
  static const AttentionFn best = [] {
    for (const char* isa : {"avx512", "avx2"})
      if (AttentionFn f = attention_for(isa)) return f;
    return scalar_attention();
  }();
  return best;
}

}  // namespace sextant::runtime
