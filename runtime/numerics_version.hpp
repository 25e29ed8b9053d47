// The version of the runtime's numerics: bumped whenever a kernel's order of operations (and
// so any log-probability, by a rounding) changes. Stored results carry it in their task
// identity, so a result store never mixes scores computed by two orders.
#pragma once

namespace sextant::runtime {

// 2: integer GEMM with one fma per block, attention with fma chains over token blocks.
inline constexpr const char* kNumericsVersion = "numerics-2";

}  // namespace sextant::runtime
