// Activation rows quantized to 8 bits per block of 32, laid out for the integer GEMM kernels.
#pragma once

#include <cstdint>
#include <vector>

namespace sextant::runtime {

class ThreadPool;

// Holds exactly the values of Q8_1 blocks (same rounding; scales rounded through fp16), split
// into planes: the int8 values of a row in element order, and per block its scale, its
// scale * sum as Q8_1 stores it, and the exact integer sum of its values (which corrects the
// unsigned weights of Q8_0 and Q4_0, stored as value + 128 and value + 8).
struct QuantizedActivations {
  std::int64_t rows = 0, cols = 0, blocks = 0;  // blocks = cols / 32
  std::vector<std::int8_t> qs;                  // (rows, cols)
  std::vector<float> d;                         // (rows, blocks) scale of each block
  std::vector<float> s;                         // (rows, blocks) scale * sum of the block's values, through fp16
  std::vector<std::int32_t> sums;               // (rows, blocks) sum of the block's values
  // The same again in tiles of 8 rows (the last one zero-padded), for the AVX-512 GEMM: per
  // tile and block, the 8 rows' values as 4-byte groups, group-major ((tile, block, group,
  // row) x 4 bytes), then their scales, scale sums and sums as (tile, block, row). One
  // pointer and constant offsets then reach every row of a tile.
  static constexpr std::int64_t kTile = 8;
  std::vector<std::int8_t> tiled_qs;
  std::vector<float> tiled_d, tiled_s;
  std::vector<std::int32_t> tiled_sums;

  const std::int8_t* row_qs(std::int64_t t) const { return qs.data() + t * cols; }
  const float* row_d(std::int64_t t) const { return d.data() + t * blocks; }
  const float* row_s(std::int64_t t) const { return s.data() + t * blocks; }
  const std::int32_t* row_sums(std::int64_t t) const { return sums.data() + t * blocks; }
  const std::int8_t* tile_qs(std::int64_t tile, std::int64_t b) const { return tiled_qs.data() + (tile * blocks + b) * 32 * kTile; }
  const float* tile_d(std::int64_t tile, std::int64_t b) const { return tiled_d.data() + (tile * blocks + b) * kTile; }
  const float* tile_s(std::int64_t tile, std::int64_t b) const { return tiled_s.data() + (tile * blocks + b) * kTile; }
  const std::int32_t* tile_sums(std::int64_t tile, std::int64_t b) const { return tiled_sums.data() + (tile * blocks + b) * kTile; }
  // Element k (0..31) of block b of row t.
  std::int8_t value(std::int64_t t, std::int64_t b, int k) const { return row_qs(t)[b * 32 + k]; }
};

// Quantizes x (rows, cols); cols is a multiple of 32.
void quantize_activations(const float* x, std::int64_t rows, std::int64_t cols, QuantizedActivations& out, ThreadPool& pool);

// Rounds to the nearest integer, ties to even (as nearbyint in the default mode), for |v| < 2^22.
inline float round_half_even(float v) {
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it leaves no fraction bits (no -ffast-math here)
  return (v + magic) - magic;
}

}  // namespace sextant::runtime
