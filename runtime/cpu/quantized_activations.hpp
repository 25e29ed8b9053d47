// Activation rows quantized to 8 bits per block of 32, laid out for the integer GEMM kernels.
#pragma once

#include <cstdint>
#include <vector>

namespace sextant::runtime {

class ThreadPool;

// Holds exactly the values of Q8_0 / Q8_1 blocks (same rounding; scales rounded through
// fp16), split into planes. Rows are zero-padded to whole pairs of blocks (and the sums to
// 16 blocks) so that the wide kernels never read past a row.
struct QuantizedActivations {
  std::int64_t rows = 0, cols = 0, blocks = 0;  // blocks = cols / 32
  std::int64_t qs_stride = 0;                   // bytes per row of qs: cols rounded up to 64
  std::int64_t d8_stride = 0;                   // floats per row of d8: 8 per block, whole pairs
  std::int64_t s_stride = 0;                    // floats per row of s: blocks rounded up to 16
  std::vector<std::int8_t> qs;  // (rows, qs_stride) values
  std::vector<float> d;         // (rows, blocks) scale of each block
  std::vector<float> d8;        // (rows, d8_stride) each block's scale repeated 8 times
  std::vector<float> s;         // (rows, s_stride) scale * sum of the block's values, through fp16

  const std::int8_t* row_qs(std::int64_t t) const { return qs.data() + t * qs_stride; }
  const float* row_d(std::int64_t t) const { return d.data() + t * blocks; }
  const float* row_d8(std::int64_t t) const { return d8.data() + t * d8_stride; }
  const float* row_s(std::int64_t t) const { return s.data() + t * s_stride; }
};

// Quantizes x (rows, cols); cols is a multiple of 32.
void quantize_activations(const float* x, std::int64_t rows, std::int64_t cols, QuantizedActivations& out, ThreadPool& pool);

// Rounds to the nearest integer, ties to even (as nearbyint in the default mode), for |v| < 2^22.
inline float round_half_even(float v) {
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it leaves no fraction bits (no -ffast-math here)
  return (v + magic) - magic;
}

}  // namespace sextant::runtime
