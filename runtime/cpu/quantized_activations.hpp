// Activation rows quantized to 8 bits per block of 32, laid out for the integer GEMM kernels.
#pragma once

#include <cstdint>
#include <vector>

namespace sextant::runtime {

class ThreadPool;

// Holds exactly the values of Q8_0 / Q8_1 blocks (same rounding; scales rounded through
// fp16), split into planes. Blocks go in pairs of 64 bytes whose 4-byte groups alternate
// between the two blocks (group i of block 2p, group i of block 2p + 1, ...), so that one
// 512-bit integer dot product yields, lane by lane, the partial sums of both blocks and one
// broadcast of the two scales lines up with them. Rows are zero-padded to whole pairs (and
// the sums to 16 blocks) so that the wide kernels never read past a row.
struct QuantizedActivations {
  std::int64_t rows = 0, cols = 0, blocks = 0;  // blocks = cols / 32
  std::int64_t qs_stride = 0;                   // bytes per row of qs: whole pairs
  std::int64_t d_stride = 0;                    // floats per row of d: blocks rounded up to even
  std::int64_t s_stride = 0;                    // floats per row of s: blocks rounded up to 16
  std::vector<std::int8_t> qs;  // (rows, qs_stride) values, pair-interleaved
  std::vector<float> d;         // (rows, d_stride) scale of each block
  std::vector<float> s;         // (rows, s_stride) scale * sum of the block's values, through fp16
  // For signed weights stored as value + 128: per pair, -128 * (each lane's sum of 4 values),
  // 16 int32 (rows, qs_stride / 4); filled only when asked for.
  std::vector<std::int32_t> correction;

  const std::int8_t* row_qs(std::int64_t t) const { return qs.data() + t * qs_stride; }
  const float* row_d(std::int64_t t) const { return d.data() + t * d_stride; }
  const float* row_s(std::int64_t t) const { return s.data() + t * s_stride; }
  const std::int32_t* row_correction(std::int64_t t) const { return correction.data() + t * (qs_stride / 4); }
  // Element k (0..31) of block b of row t.
  std::int8_t value(std::int64_t t, std::int64_t b, int k) const { return row_qs(t)[interleaved_offset(b, k)]; }

  // Where element k of block b sits within a pair-interleaved row.
  static std::int64_t interleaved_offset(std::int64_t b, int k) { return (b / 2) * 64 + (k / 4) * 8 + (b % 2) * 4 + k % 4; }
};

// Quantizes x (rows, cols); cols is a multiple of 32. with_correction fills `correction`.
void quantize_activations(const float* x, std::int64_t rows, std::int64_t cols, QuantizedActivations& out, ThreadPool& pool,
                          bool with_correction = false);

// Rounds to the nearest integer, ties to even (as nearbyint in the default mode), for |v| < 2^22.
inline float round_half_even(float v) {
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it leaves no fraction bits (no -ffast-math here)
  return (v + magic) - magic;
}

}  // namespace sextant::runtime
