// What the CPU the process runs on can do, checked once.
#pragma once

namespace sextant::runtime {

// AVX-512 F, BW, VL and DQ: what the *_avx512.cpp helpers are built for.
bool cpu_has_avx512();

}  // namespace sextant::runtime
