// Attention of one query head over the fp16 keys and values of one sequence.
//
// Fixed order, shared by the scalar reference and the SIMD kernel (bit-identical): each
// score is a dot product with element i in lane i % 8 (multiply, then add) reduced as
// reduce_lanes() does; softmax subtracts the maximum, exponentiates with std::exp and sums
// in position order; the output accumulates weight * value in position order.
#pragma once

#include <cstdint>

namespace sextant::runtime {

struct AttentionInput {
  const float* q;               // (head_dim) query, already rounded to fp16 precision
  const std::uint16_t* const* keys;    // keys[p]: (head_dim) fp16 key of position p for this head
  const std::uint16_t* const* values;  // values[p]: likewise
  std::int64_t length;          // positions 0 .. length-1
  std::int64_t head_dim;        // a multiple of 8
  float scale;                  // 1 / sqrt(head_dim)
};

// out (head_dim) = softmax(q . K^T * scale) V; scratch holds `length` floats.
using AttentionFn = void (*)(const AttentionInput& in, float* scratch, float* out);

AttentionFn scalar_attention();
AttentionFn best_attention();
AttentionFn attention_for(const char* isa);  // "scalar", "avx2"; null when unsupported

}  // namespace sextant::runtime
