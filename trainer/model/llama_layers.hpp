// The forward / backward pair of every operation in a Llama block, written out plainly.
//
// Shapes use N = B * T tokens, C channels, V vocabulary, NH query heads, NKV key/value heads
// of HD dimensions each. Backward functions add into weight gradients (they accumulate over
// micro-batches) and say for each input gradient whether they overwrite or add.
#pragma once

#include <cstdint>
#include <vector>

namespace sextant::runtime {
class ThreadPool;
}

namespace sextant::trainer {

using runtime::ThreadPool;

// tokens (N), wte (V, C) -> out (N, C)
void embedding_forward(float* out, const std::int32_t* tokens, const float* wte, std::int64_t N, std::int64_t C);
// dwte (V, C) += the rows of dout (N, C) at their tokens
void embedding_backward(float* dwte, const float* dout, const std::int32_t* tokens, std::int64_t N, std::int64_t C);

// inp (N, C), weight (C) -> out (N, C) = weight * inp / sqrt(mean(inp^2) + eps); rstd (N) kept
void rmsnorm_forward(float* out, float* rstd, const float* inp, const float* weight, std::int64_t N, std::int64_t C,
                     float eps, ThreadPool& pool);
// dinp (N, C) += ..., dweight (C) += ... (summed over blocks of 64 rows, then the blocks in order)
void rmsnorm_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                      const float* rstd, std::int64_t N, std::int64_t C, ThreadPool& pool);

// What the linear layers' products (projections, feed-forward, LM head) multiply: float32
// values, or the values rounded to bfloat16 with float sums (mixed precision: weights,
// gradients, attention's own products and every other operation stay float32).
enum class MatmulPrecision { fp32, bf16 };

// inp (N, C), weight (OC, C) -> out (N, OC) = inp · weight^T. scratch holds C * OC floats
// (fp32 only: the transposed weight).
void matmul_forward(float* out, const float* inp, const float* weight, std::int64_t N, std::int64_t C, std::int64_t OC,
                    float* scratch, MatmulPrecision precision, ThreadPool& pool);
// dinp (N, C) = or += dout · weight (accumulate_dinp), dweight (OC, C) += dout^T · inp
void matmul_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                     std::int64_t N, std::int64_t C, std::int64_t OC, bool accumulate_dinp, MatmulPrecision precision,
                     ThreadPool& pool);

// cos / sin of position * theta^(-2i / HD) for i < HD / 2, as Hugging Face's Llama computes them.
struct RopeTable {
  std::int64_t half = 0;
  std::vector<float> cos, sin;  // (positions, half)
};
RopeTable make_rope_table(std::int64_t positions, std::int64_t head_dim, double theta);
// x (N, heads, HD) rotated in place by each token's position; pairs are (i, i + HD / 2)
void rope_forward(float* x, const std::int32_t* positions, std::int64_t N, std::int64_t heads, std::int64_t head_dim,
                  const RopeTable& table);
// dx (N, heads, HD) rotated back in place (the transpose of the rotation)
void rope_backward(float* dx, const std::int32_t* positions, std::int64_t N, std::int64_t heads,
                   std::int64_t head_dim, const RopeTable& table);

struct AttentionShape {
  std::int64_t B = 0, T = 0, n_head = 0, n_head_kv = 0, head_dim = 0;
};
// q (N, NH * HD), k, v (N, NKV * HD) -> out (N, NH * HD); probs (B, NH, T, T) kept.
// Token t of a sequence sees tokens [doc_start[t], t]: causal, and never across a document
// boundary of a packed sequence.
void attention_forward(float* out, float* probs, const float* q, const float* k, const float* v,
                       const std::int32_t* doc_start, const AttentionShape& s, ThreadPool& pool);
// dq, dk, dv overwritten
void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* probs, const float* q,
                        const float* k, const float* v, const std::int32_t* doc_start, const AttentionShape& s,
                        ThreadPool& pool);

// gate, up (n) -> h (n) = silu(gate) * up
void swiglu_forward(float* h, const float* gate, const float* up, std::int64_t n, ThreadPool& pool);
// dgate, dup overwritten
void swiglu_backward(float* dgate, float* dup, const float* dh, const float* gate, const float* up, std::int64_t n,
                     ThreadPool& pool);

// logits (N, V) are replaced by their softmax; losses (N) = -log p(target), 0 where target < 0.
// Returns the sum of the losses of the positions that have a target.
double cross_entropy_forward(float* logits, float* losses, const std::int32_t* targets, std::int64_t N,
                             std::int64_t V, ThreadPool& pool);
// probs (N, V) replaced in place by dlogits = (probs - onehot(target)) * scale; rows without a
// target get 0.
void cross_entropy_backward(float* probs, const std::int32_t* targets, float scale, std::int64_t N, std::int64_t V,
                            ThreadPool& pool);

}  // namespace sextant::trainer
