// The mask of a loop's last, partly filled register (included by AVX-512 kernels only).
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace sextant::runtime::avx512 {

// The first min(count, 16) of sixteen lanes.
inline __mmask16 first_lanes(std::int64_t count) {
  return count >= 16 ? __mmask16(0xffff) : static_cast<__mmask16>((1u << count) - 1u);
}

}  // namespace sextant::runtime::avx512
