// Forward and backward passes of the embedding, RMSNorm, matmul, RoPE, attention, SwiGLU and loss.
#include "trainer/model/llama_layers.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/cpu/thread_pool.hpp"
#include "trainer/kernels/activations.hpp"
#include "trainer/kernels/bf16_gemm.hpp"
#include "trainer/kernels/float_gemm.hpp"

namespace sextant::trainer {
namespace {

// Rows per parallel item in the row-wise operations.
constexpr std::int64_t kRowChunk = 16;

template <typename Fn>
void for_row_chunks(std::int64_t rows, ThreadPool& pool, Fn&& fn) {
  const std::int64_t chunks = (rows + kRowChunk - 1) / kRowChunk;
  pool.parallel_for(chunks, [&](std::int64_t c) {
    const std::int64_t r1 = std::min(rows, (c + 1) * kRowChunk);
    for (std::int64_t r = c * kRowChunk; r < r1; ++r) fn(r);
  });
}

}  // namespace

void embedding_forward(float* out, const std::int32_t* tokens, const float* wte, std::int64_t N, std::int64_t C) {
  for (std::int64_t i = 0; i < N; ++i)
    std::memcpy(out + i * C, wte + static_cast<std::int64_t>(tokens[i]) * C, sizeof(float) * C);
}

void embedding_backward(float* dwte, const float* dout, const std::int32_t* tokens, std::int64_t N, std::int64_t C) {
  // In token order, so that repeated tokens add up in a fixed order.
  for (std::int64_t i = 0; i < N; ++i) {
    float* row = dwte + static_cast<std::int64_t>(tokens[i]) * C;
    const float* d = dout + i * C;
    for (std::int64_t c = 0; c < C; ++c) row[c] += d[c];
  }
}

void rmsnorm_forward(float* out, float* rstd, const float* inp, const float* weight, std::int64_t N, std::int64_t C,
                     float eps, ThreadPool& pool) {
  for_row_chunks(N, pool, [&](std::int64_t i) {
    const float* x = inp + i * C;
    float ss = 0.0f;
    for (std::int64_t c = 0; c < C; ++c) ss += x[c] * x[c];
    const float r = 1.0f / std::sqrt(ss / static_cast<float>(C) + eps);
    float* o = out + i * C;
    for (std::int64_t c = 0; c < C; ++c) o[c] = weight[c] * (x[c] * r);
    rstd[i] = r;
  });
}

void rmsnorm_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                      const float* rstd, std::int64_t N, std::int64_t C, ThreadPool& pool) {
  // y = w * x * r, r = (mean(x^2) + eps)^(-1/2):
  // dx = r * (w * dy) - x * r^3 / C * sum(w * dy * x),  dw = sum over rows of dy * x * r.
  // dw is summed per block of rows, then the blocks in order: the same sums on any pool.
  constexpr std::int64_t kBlock = 64;
  const std::int64_t blocks = (N + kBlock - 1) / kBlock;
  thread_local std::vector<float> partial_buffer;
  std::vector<float>& partial = partial_buffer;
  partial.assign(static_cast<std::size_t>(blocks * C), 0.0f);
  pool.parallel_for(blocks, [&](std::int64_t blk) {
    float* dw = partial.data() + blk * C;
    for (std::int64_t i = blk * kBlock; i < std::min(N, (blk + 1) * kBlock); ++i) {
      const float* x = inp + i * C;
      const float* dy = dout + i * C;
      const float r = rstd[i];
      float dot = 0.0f;
      for (std::int64_t c = 0; c < C; ++c) dot += weight[c] * dy[c] * x[c];
      const float k = dot * r * r * r / static_cast<float>(C);
      float* dx = dinp + i * C;
      for (std::int64_t c = 0; c < C; ++c) {
        dx[c] += r * weight[c] * dy[c] - k * x[c];
        dw[c] += dy[c] * x[c] * r;
      }
    }
  });
  for (std::int64_t blk = 0; blk < blocks; ++blk)
    for (std::int64_t c = 0; c < C; ++c) dweight[c] += partial[blk * C + c];
}

void matmul_forward(float* out, const float* inp, const float* weight, std::int64_t N, std::int64_t C, std::int64_t OC,
                    float* scratch, MatmulPrecision precision, ThreadPool& pool) {
  if (precision == MatmulPrecision::bf16) {  // packing reads the weight transposed
    GemmOperands g;
    g.m = N, g.n = OC, g.k = C;
    g.a = inp, g.a_row_stride = C, g.a_col_stride = 1;
    g.b = weight, g.ldb = 1, g.b_col_stride = C;
    g.c = out, g.ldc = OC;
    return gemm_bf16(g, pool);
  }
  // weight^T (C, OC) once, so that the product streams rows of both operands.
  for (std::int64_t o = 0; o < OC; ++o)
    for (std::int64_t c = 0; c < C; ++c) scratch[c * OC + o] = weight[o * C + c];
  GemmOperands g;
  g.m = N, g.n = OC, g.k = C;
  g.a = inp, g.a_row_stride = C, g.a_col_stride = 1;
  g.b = scratch, g.ldb = OC;
  g.c = out, g.ldc = OC;
  gemm(g, pool);
}

void matmul_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                     std::int64_t N, std::int64_t C, std::int64_t OC, bool accumulate_dinp, MatmulPrecision precision,
                     ThreadPool& pool) {
  const auto product = precision == MatmulPrecision::bf16 ? gemm_bf16 : gemm;
  GemmOperands gi;  // dinp (N, C) = dout (N, OC) · weight (OC, C)
  gi.m = N, gi.n = C, gi.k = OC;
  gi.a = dout, gi.a_row_stride = OC, gi.a_col_stride = 1;
  gi.b = weight, gi.ldb = C;
  gi.c = dinp, gi.ldc = C;
  gi.accumulate = accumulate_dinp;
  product(gi, pool);
  GemmOperands gw;  // dweight (OC, C) += dout^T (OC, N) · inp (N, C)
  gw.m = OC, gw.n = C, gw.k = N;
  gw.a = dout, gw.a_row_stride = 1, gw.a_col_stride = OC;
  gw.b = inp, gw.ldb = C;
  gw.c = dweight, gw.ldc = C;
  gw.accumulate = true;
  product(gw, pool);
}

RopeTable make_rope_table(std::int64_t positions, std::int64_t head_dim, double theta) {
  RopeTable t;
  t.half = head_dim / 2;
  t.cos.resize(static_cast<std::size_t>(positions * t.half));
  t.sin.resize(t.cos.size());
  for (std::int64_t i = 0; i < t.half; ++i) {
    // Hugging Face: inv_freq = 1 / theta^(2i / HD) in float32, angle = float(position) * inv_freq.
    const float inv_freq =
        static_cast<float>(1.0 / std::pow(theta, static_cast<double>(2 * i) / static_cast<double>(head_dim)));
    for (std::int64_t p = 0; p < positions; ++p) {
      const float angle = static_cast<float>(p) * inv_freq;
      t.cos[p * t.half + i] = std::cos(angle);
      t.sin[p * t.half + i] = std::sin(angle);
    }
  }
  return t;
}

namespace {
void rope_rotate(float* x, const std::int32_t* positions, std::int64_t N, std::int64_t heads, std::int64_t head_dim,
                 const RopeTable& table, float sign) {
  const std::int64_t half = table.half;
  for (std::int64_t i = 0; i < N; ++i) {
    const float* cs = table.cos.data() + static_cast<std::int64_t>(positions[i]) * half;
    const float* sn = table.sin.data() + static_cast<std::int64_t>(positions[i]) * half;
    for (std::int64_t h = 0; h < heads; ++h) {
      float* v = x + (i * heads + h) * head_dim;
      for (std::int64_t d = 0; d < half; ++d) {
        const float a = v[d], b = v[d + half], s = sign * sn[d];
        v[d] = a * cs[d] - b * s;
        v[d + half] = b * cs[d] + a * s;
      }
    }
  }
}
}  // namespace

void rope_forward(float* x, const std::int32_t* positions, std::int64_t N, std::int64_t heads, std::int64_t head_dim,
                  const RopeTable& table) {
  rope_rotate(x, positions, N, heads, head_dim, table, 1.0f);
}

void rope_backward(float* dx, const std::int32_t* positions, std::int64_t N, std::int64_t heads,
                   std::int64_t head_dim, const RopeTable& table) {
  rope_rotate(dx, positions, N, heads, head_dim, table, -1.0f);
}

namespace {

// Attention works on one sequence and one key/value head at a time, in blocks of query rows:
// a block's scores need keys only from the first document start in the block up to its last
// row, so about half of the T x T products are never computed.
constexpr std::int64_t kQueryBlock = 32;

// The first key a block of query rows [t0, t1) can see, rounded down to a multiple of the
// block size so that the score products start on a whole GEMM tile (correctness needs only a
// start at or before the block's first document start: the rows are masked afterwards).
std::int64_t first_key(const std::int32_t* doc_start, std::int64_t t0, std::int64_t t1) {
  std::int64_t lo = t1;
  for (std::int64_t t = t0; t < t1; ++t) lo = std::min<std::int64_t>(lo, doc_start[t]);
  return lo / kQueryBlock * kQueryBlock;
}

// x (T rows of `stride`, HD columns starting at x) -> xt (HD, T).
void transpose_head(float* xt, const float* x, std::int64_t T, std::int64_t HD, std::int64_t stride) {
  for (std::int64_t u = 0; u < T; ++u)
    for (std::int64_t d = 0; d < HD; ++d) xt[d * T + u] = x[u * stride + d];
}

// C rows [i0, i1) = (or +=) A · B (k, n), on this thread. Rows are absolute: row i of A is
// a[i * a_row_stride] and of C c[i * ldc] (m is only an upper bound).
void block_product(float* c, std::int64_t ldc, const float* a, std::int64_t a_row_stride, std::int64_t a_col_stride,
                   const float* b, std::int64_t ldb, std::int64_t i0, std::int64_t i1, std::int64_t n, std::int64_t k,
                   bool accumulate) {
  GemmOperands g;
  g.m = i1, g.n = n, g.k = k;
  g.a = a, g.a_row_stride = a_row_stride, g.a_col_stride = a_col_stride;
  g.b = b, g.ldb = ldb;
  g.c = c, g.ldc = ldc;
  g.accumulate = accumulate;
  gemm_block(g, i0, i1, 0, n);
}

}  // namespace

void attention_forward(float* out, float* probs, const float* q, const float* k, const float* v,
                       const std::int32_t* doc_start, const AttentionShape& s, ThreadPool& pool) {
  const std::int64_t T = s.T, HD = s.head_dim, QD = s.n_head * HD, KD = s.n_head_kv * HD;
  const std::int64_t group = s.n_head / s.n_head_kv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(HD));
  // One item per (sequence, key/value head): its query heads share keys and values.
  pool.parallel_for(s.B * s.n_head_kv, [&](std::int64_t item) {
    const std::int64_t b = item / s.n_head_kv, kvh = item % s.n_head_kv;
    thread_local std::vector<float> kt_buffer;
    std::vector<float>& kt = kt_buffer;
    kt.resize(static_cast<std::size_t>(HD * T));
    const float* kb = k + b * T * KD + kvh * HD;
    const float* vb = v + b * T * KD + kvh * HD;
    const std::int32_t* st = doc_start + b * T;
    transpose_head(kt.data(), kb, T, HD, KD);
    for (std::int64_t h = kvh * group; h < (kvh + 1) * group; ++h) {
      const float* qh = q + b * T * QD + h * HD;
      float* ph = probs + (b * s.n_head + h) * T * T;
      float* oh = out + b * T * QD + h * HD;
      for (std::int64_t t0 = 0; t0 < T; t0 += kQueryBlock) {
        const std::int64_t t1 = std::min(T, t0 + kQueryBlock), lo = first_key(st, t0, t1);
        // scores q · k of the block's rows against keys [lo, t1), then each row's softmax
        block_product(ph + lo, T, qh, QD, 1, kt.data() + lo, T, t0, t1, t1 - lo, HD, false);
        for (std::int64_t t = t0; t < t1; ++t) {
          float* p = ph + t * T;
          for (std::int64_t u = st[t]; u <= t; ++u) p[u] *= scale;
          softmax_row(p + st[t], t - st[t] + 1);
          std::fill(p, p + st[t], 0.0f);
          std::fill(p + t + 1, p + T, 0.0f);
        }
        // out = p · v over the same keys
        block_product(oh, QD, ph + lo, T, 1, vb + lo * KD, KD, t0, t1, HD, t1 - lo, false);
      }
    }
  });
}

void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* probs, const float* q,
                        const float* k, const float* v, const std::int32_t* doc_start, const AttentionShape& s,
                        ThreadPool& pool) {
  const std::int64_t T = s.T, HD = s.head_dim, QD = s.n_head * HD, KD = s.n_head_kv * HD;
  const std::int64_t group = s.n_head / s.n_head_kv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(HD));
  pool.parallel_for(s.B * s.n_head_kv, [&](std::int64_t item) {
    const std::int64_t b = item / s.n_head_kv, kvh = item % s.n_head_kv;
    thread_local std::vector<float> vt_buffer, ds_buffer;
    std::vector<float>& vt = vt_buffer;
    std::vector<float>& ds = ds_buffer;
    vt.resize(static_cast<std::size_t>(HD * T));
    ds.resize(static_cast<std::size_t>(T * T));
    const float* kb = k + b * T * KD + kvh * HD;
    const float* vb = v + b * T * KD + kvh * HD;
    float* dkb = dk + b * T * KD + kvh * HD;
    float* dvb = dv + b * T * KD + kvh * HD;
    const std::int32_t* st = doc_start + b * T;
    transpose_head(vt.data(), vb, T, HD, KD);
    for (std::int64_t h = kvh * group; h < (kvh + 1) * group; ++h) {
      const float* ph = probs + (b * s.n_head + h) * T * T;
      const float* qh = q + b * T * QD + h * HD;
      const float* doh = dout + b * T * QD + h * HD;
      float* dqh = dq + b * T * QD + h * HD;
      for (std::int64_t t0 = 0; t0 < T; t0 += kQueryBlock) {
        const std::int64_t t1 = std::min(T, t0 + kQueryBlock), lo = first_key(st, t0, t1);
        // dp = dout · v^T, then the softmax's backward: ds_u = p_u (dp_u - sum p dp) * scale
        block_product(ds.data() + lo, T, doh, QD, 1, vt.data() + lo, T, t0, t1, t1 - lo, HD, false);
        for (std::int64_t t = t0; t < t1; ++t) {
          const float* p = ph + t * T;
          float* d = ds.data() + t * T;
          float pdp = 0.0f;
          for (std::int64_t u = st[t]; u <= t; ++u) pdp += p[u] * d[u];
          for (std::int64_t u = st[t]; u <= t; ++u) d[u] = p[u] * (d[u] - pdp) * scale;
          std::fill(d, d + st[t], 0.0f);
          std::fill(d + t + 1, d + T, 0.0f);
        }
        // dq = ds · k (scores = q · k)
        block_product(dqh, QD, ds.data() + lo, T, 1, kb + lo * KD, KD, t0, t1, HD, t1 - lo, false);
      }
      // dk += ds^T · q and dv += p^T · dout: key u gets contributions from queries t >= u only.
      for (std::int64_t u0 = 0; u0 < T; u0 += kQueryBlock) {
        const std::int64_t u1 = std::min(T, u0 + kQueryBlock);
        const bool first = h == kvh * group;
        block_product(dkb, KD, ds.data() + u0 * T, 1, T, qh + u0 * QD, QD, u0, u1, HD, T - u0, !first);
        block_product(dvb, KD, ph + u0 * T, 1, T, doh + u0 * QD, QD, u0, u1, HD, T - u0, !first);
      }
    }
  });
}

namespace {
// Elements per parallel item of the element-wise steps.
constexpr std::int64_t kElementChunk = 16384;
}  // namespace

void swiglu_forward(float* h, const float* gate, const float* up, std::int64_t n, ThreadPool& pool) {
  pool.parallel_for((n + kElementChunk - 1) / kElementChunk, [&](std::int64_t c) {
    const std::int64_t i = c * kElementChunk;
    swiglu_forward_rows(h + i, gate + i, up + i, std::min(kElementChunk, n - i));
  });
}

void swiglu_backward(float* dgate, float* dup, const float* dh, const float* gate, const float* up, std::int64_t n,
                     ThreadPool& pool) {
  pool.parallel_for((n + kElementChunk - 1) / kElementChunk, [&](std::int64_t c) {
    const std::int64_t i = c * kElementChunk;
    swiglu_backward_rows(dgate + i, dup + i, dh + i, gate + i, up + i, std::min(kElementChunk, n - i));
  });
}

double cross_entropy_forward(float* logits, float* losses, const std::int32_t* targets, std::int64_t N,
                             std::int64_t V, ThreadPool& pool) {
  for_row_chunks(N, pool, [&](std::int64_t i) {
    float* l = logits + i * V;
    const float target_logit = targets[i] >= 0 ? l[targets[i]] : 0.0f;
    const float log_sum_exp = softmax_row(l, V);
    // -log p(target) = log(sum of exp(logit)) - logit_target
    losses[i] = targets[i] >= 0 ? log_sum_exp - target_logit : 0.0f;
  });
  double total = 0.0;
  for (std::int64_t i = 0; i < N; ++i) total += losses[i];
  return total;
}

void cross_entropy_backward(float* probs, const std::int32_t* targets, float scale, std::int64_t N, std::int64_t V,
                            ThreadPool& pool) {
  for_row_chunks(N, pool, [&](std::int64_t i) {
    float* p = probs + i * V;
    if (targets[i] < 0) {
      std::fill(p, p + V, 0.0f);
      return;
    }
    p[targets[i]] -= 1.0f;
    for (std::int64_t j = 0; j < V; ++j) p[j] *= scale;
  });
}

}  // namespace sextant::trainer
