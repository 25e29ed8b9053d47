// Attention of one query head over the cached keys and values (fp16 or float) of one sequence.
//
// Fixed order, shared by the scalar reference and the SIMD kernel (bit-identical): each
// score is a dot product with element i in lane i % 8 (multiply, then add) reduced as
// reduce_lanes() does; softmax subtracts the maximum, exponentiates with std::exp and sums
// in position order; the output accumulates weight * value in position order.
#pragma once

#include <cstdint>

namespace sextant::runtime {

struct AttentionInput {
  const float* q;            // (head_dim) query (rounded to fp16 precision when the cache is fp16)
  const void* const* keys;   // keys[p]: (head_dim) key of position p for this head
  const void* const* values; // values[p]: likewise
  bool fp16;                 // keys and values are fp16 bits, else float
  std::int64_t length;       // positions 0 .. length-1
  std::int64_t head_dim;     // a multiple of 8
  float scale;               // 1 / sqrt(head_dim)
};

// out (head_dim) = softmax(q . K^T * scale) V; scratch holds `length` floats.
using AttentionFn = void (*)(const AttentionInput& in, float* scratch, float* out);

AttentionFn scalar_attention();
AttentionFn best_attention();
AttentionFn attention_for(const char* isa);  // "scalar", "avx2"; null when unsupported

}  // namespace sextant::runtime
