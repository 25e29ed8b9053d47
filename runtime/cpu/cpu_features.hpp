// What the CPU the process runs on can do, checked once.
#pragma once

namespace sextant::runtime {

// AVX-512 F, BW, VL and DQ: what the *_avx512.cpp helpers are built for.
bool cpu_has_avx512();
// AVX-512 F and BW with AVX512-BF16 (vcvtne2ps2bf16, vdpbf16ps): the trainer's bf16 products.
bool cpu_has_avx512bf16();

}  // namespace sextant::runtime
