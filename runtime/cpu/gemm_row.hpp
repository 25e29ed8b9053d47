// One weight row unpacked for the SIMD GEMM kernels: int8 values, scales and mins as planes.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/cpu/matmul.hpp"

namespace sextant::runtime {

// A row's blocks in the pair-interleaved layout of QuantizedActivations, zero-padded to
// whole pairs (values, scales) and to 16 blocks (mins). Buffers keep their capacity.
struct UnpackedRow {
  std::vector<std::int8_t> values;  // 64 per pair; Q4_1: the nibbles 0..15
  std::vector<float> scales;        // one per block
  std::vector<float> mins;          // Q4_1 only: one per block
  std::int64_t blocks = 0;

  // Sizes the planes for `blocks` blocks and zeroes the padding.
  void reset(std::int64_t n_blocks) {
    blocks = n_blocks;
    const std::size_t pairs = static_cast<std::size_t>((n_blocks + 1) / 2);
    values.assign(pairs * 64, 0);
    scales.assign(pairs * 2, 0.0f);
    mins.assign(static_cast<std::size_t>((n_blocks + 15) / 16 * 16), 0.0f);
  }
};

}  // namespace sextant::runtime
