// The version of the runtime's numerics: bumped whenever a kernel's order of operations (and
// so any log-probability, by a rounding) changes. Stored results carry it in their task
// identity, so a result store never mixes scores computed by two orders.
#pragma once

namespace sextant::runtime {

// 2: integer GEMM with one fma per block, attention with fma chains over token blocks,
//    SwiGLU through fast_exp, log-sum-exp from fast_exp in double lanes.
// 3: RMSNorm's sum of squares in 16 double lanes.
// 4: Llama 3.1's rope frequency factors applied (GGUF rope_freqs.weight was ignored before;
//    no other model's results change, but a store cannot tell which were affected).
inline constexpr const char* kNumericsVersion = "numerics-4";

}  // namespace sextant::runtime
