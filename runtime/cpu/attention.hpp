// Attention of a block of consecutive tokens of one sequence, for the query heads that share
// one key/value head, over the sequence's cache.
//
// Fixed order, shared by the scalar reference and the SIMD kernels (bit-identical): with an
// fp16 cache each query is first rounded to fp16; a score is one fma chain over the head's
// elements in order, times the scale; the softmax subtracts the maximum over the positions
// the token sees, exponentiates with fast_exp(), sums in position order and divides each
// weight by the sum; each output element is one fma chain over the positions in order.
// Token j of a block attends to positions 0 .. length + j - 1 and nothing else enters its
// result, so it does not depend on which tokens share its block (the SIMD kernels put the
// (token, head) pairs in the lanes of a register and give the positions a token does not
// see a weight of exactly zero).
#pragma once

#include <cstdint>

namespace sextant::runtime {

// Consecutive cached positions: rows of keys and values `row_stride` elements apart.
struct KvSpan {
  const void* k;
  const void* v;
  std::int64_t count;
};

inline constexpr std::int64_t kMaxPairs = 16;  // (token, query head) pairs in one call

struct AttentionInput {
  const float* q;             // token j's query heads at q + j * q_stride, one after another
  std::int64_t q_stride;
  std::int64_t n_q;           // query heads sharing this key/value head
  std::int64_t n_tokens;      // n_q * n_tokens <= kMaxPairs
  const KvSpan* spans;        // covering positions 0 .. length + n_tokens - 2 in order
  std::int64_t n_spans;
  std::int64_t row_stride;    // elements from one position's row to the next (the cache's kv_dim)
  std::int64_t head_offset;   // elements from a row's start to this key/value head
  bool fp16;                  // the cache holds fp16 bits, else float
  std::int64_t length;        // positions the first token attends to (at least 1)
  std::int64_t head_dim;      // a multiple of 8, at most 512
  float scale;                // 1 / sqrt(head_dim)
  float* out;                 // token j's outputs at out + j * out_stride, laid out as q
  std::int64_t out_stride;
};

// Floats of scratch space a call needs.
inline std::int64_t attention_scratch_floats(const AttentionInput& in) { return kMaxPairs * (in.length + in.n_tokens - 1); }

using AttentionFn = void (*)(const AttentionInput& in, float* scratch);

AttentionFn scalar_attention();
AttentionFn best_attention();
AttentionFn attention_for(const char* isa);  // "scalar", "avx2", "avx512"; null when unsupported

}  // namespace sextant::runtime
