// Activation quantization with the rounding of quantize_q8_1 (tests compare the two).
#include "runtime/cpu/quantized_activations.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/cpu/cpu_features.hpp"
#include "runtime/cpu/elementwise.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

#if defined(__x86_64__)
namespace avx512 {
int quantize_block(const float* x, std::int8_t* q, float& amax);
}
#endif

namespace {

// One block: its values into q; returns the sum of the values and sets amax. The plain form.
int quantize_block(const float* x, std::int8_t* q, float& amax) {
  amax = 0.0f;
  for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  int sum = 0;
  for (int j = 0; j < 32; ++j) {
    q[j] = static_cast<std::int8_t>(round_half_even(x[j] * id));
    sum += q[j];
  }
  return sum;
}


}  // namespace

void quantize_activations(const float* x, std::int64_t rows, std::int64_t cols, QuantizedActivations& out, ThreadPool& pool) {
  out.rows = rows;
  out.cols = cols;
  out.blocks = cols / 32;
  const auto values = static_cast<std::size_t>(rows * cols), blocks = static_cast<std::size_t>(rows * out.blocks);
  out.qs.resize(values);
  out.d.resize(blocks);
  out.s.resize(blocks);
  out.sums.resize(blocks);
  const std::int64_t tile_rows = QuantizedActivations::kTile, tiles = (rows + tile_rows - 1) / tile_rows;
  const auto tiled = static_cast<std::size_t>(tiles * out.blocks * tile_rows);
  out.tiled_qs.resize(tiled * 32);
  out.tiled_d.resize(tiled);
  out.tiled_s.resize(tiled);
  out.tiled_sums.resize(tiled);
  // The padding rows of the last tile are zeros; every other entry is written below.
  for (std::int64_t t = rows; t < tiles * tile_rows; ++t) {
    const std::int64_t tile = t / tile_rows, k = t % tile_rows;
    for (std::int64_t b = 0; b < out.blocks; ++b) {
      auto* tq = const_cast<std::int8_t*>(out.tile_qs(tile, b));
      for (int j = 0; j < 8; ++j) std::memset(tq + (j * tile_rows + k) * 4, 0, 4);
      const std::int64_t ti = (tile * out.blocks + b) * tile_rows + k;
      out.tiled_d[ti] = out.tiled_s[ti] = 0.0f;
      out.tiled_sums[ti] = 0;
    }
  }
#if defined(__x86_64__)
  const bool wide = cpu_has_avx512();
#endif
  auto quantize_row = [&](std::int64_t t) {
    float* d = out.d.data() + t * out.blocks;
    float* s = out.s.data() + t * out.blocks;
    for (std::int64_t b = 0; b < out.blocks; ++b) {
      const float* xb = x + t * cols + b * 32;
      std::int8_t* q = out.qs.data() + t * cols + b * 32;
      float amax;
#if defined(__x86_64__)
      const int sum = wide ? avx512::quantize_block(xb, q, amax) : quantize_block(xb, q, amax);
#else
      const int sum = quantize_block(xb, q, amax);
#endif
      d[b] = amax / 127.0f;
      s[b] = d[b] * static_cast<float>(sum);  // from the scale before its rounding, as Q8_1 does
      out.sums[t * out.blocks + b] = sum;
    }
    round_to_fp16(d, out.blocks);
    round_to_fp16(s, out.blocks);
    // The tiled copy: row k of its tile, group j of a block at group-major position (j, k).
    const std::int64_t tile = t / tile_rows, k = t % tile_rows;
    for (std::int64_t b = 0; b < out.blocks; ++b) {
      auto* tq = const_cast<std::int8_t*>(out.tile_qs(tile, b));
      const std::int8_t* q = out.qs.data() + t * cols + b * 32;
      for (int j = 0; j < 8; ++j) std::memcpy(tq + (j * tile_rows + k) * 4, q + 4 * j, 4);
      const std::int64_t ti = (tile * out.blocks + b) * tile_rows + k;
      out.tiled_d[ti] = d[b];
      out.tiled_s[ti] = s[b];
      out.tiled_sums[ti] = out.sums[t * out.blocks + b];
    }
  };
  // A few rows (decoding) are cheaper than waking the other threads. A task takes a whole
  // tile: rows of one tile share cache lines of the tiled copy.
  if (rows < 8) {
    for (std::int64_t t = 0; t < rows; ++t) quantize_row(t);
  } else {
    pool.parallel_for(tiles, [&](std::int64_t tile) {
      for (std::int64_t t = tile * tile_rows; t < std::min(rows, (tile + 1) * tile_rows); ++t) quantize_row(t);
    });
  }
}

}  // namespace sextant::runtime
