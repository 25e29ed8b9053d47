// Chooses the attention kernel for the CPU the process runs on.
#include <cstring>

#include "runtime/cpu/attention.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx2 {
AttentionFn attention_kernel();
}
#endif

AttentionFn attention_for(const char* isa) {
  if (std::strcmp(isa, "scalar") == 0) return scalar_attention();
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (std::strcmp(isa, "avx2") == 0 && __builtin_cpu_supports("avx2"))
    return avx2::attention_kernel();
#endif
  return nullptr;
}

AttentionFn best_attention() {
  static const AttentionFn best = [] {
    AttentionFn f = attention_for("avx2");
    return f ? f : scalar_attention();
  }();
  return best;
}

}  // namespace sextant::runtime
