// Attention of the query heads that share one key/value head, over one sequence's cache.
//
// Fixed order, shared by the scalar reference and the SIMD kernel (bit-identical): with an
// fp16 cache the query is first rounded to fp16; each score is a dot product with element i
// in lane i % 8 (multiply, then add) reduced as reduce_lanes() does, times the scale; the
// softmax subtracts the maximum, exponentiates with fast_exp() and sums in position order;
// the output accumulates (weight / sum) * value in position order.
#pragma once

#include <cstdint>

namespace sextant::runtime {

// Consecutive cached positions: rows of keys and values `row_stride` elements apart.
struct KvSpan {
  const void* k;
  const void* v;
  std::int64_t count;
};

struct AttentionInput {
  const float* q;             // (n_q, head_dim) the query heads of this key/value head
  std::int64_t n_q;           // at most kMaxGroup
  const KvSpan* spans;        // covering positions 0 .. length-1 in order
  std::int64_t n_spans;
  std::int64_t row_stride;    // elements from one position's row to the next (the cache's kv_dim)
  std::int64_t head_offset;   // elements from a row's start to this key/value head
  bool fp16;                  // the cache holds fp16 bits, else float
  std::int64_t length;        // positions attended to
  std::int64_t head_dim;      // a multiple of 8
  float scale;                // 1 / sqrt(head_dim)
};

inline constexpr std::int64_t kMaxGroup = 8;

// out (n_q, head_dim); scratch holds n_q * length floats.
using AttentionFn = void (*)(const AttentionInput& in, float* scratch, float* out);

AttentionFn scalar_attention();
AttentionFn best_attention();
AttentionFn attention_for(const char* isa);  // "scalar", "avx2"; null when unsupported

}  // namespace sextant::runtime
