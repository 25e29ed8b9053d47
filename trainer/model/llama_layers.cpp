// Forward and backward passes of the embedding, RMSNorm, matmul, RoPE, attention, SwiGLU and loss.
#include "trainer/model/llama_layers.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/cpu/thread_pool.hpp"
#include "trainer/kernels/float_gemm.hpp"

namespace sextant::trainer {
namespace {

// Rows per parallel item in the row-wise operations.
constexpr std::int64_t kRowChunk = 16;

// a · b in eight interleaved partial sums added in a fixed tree: the compiler turns the
// lanes into SIMD registers (a plain running sum would stay scalar: float addition may not
// be reordered), and the order, hence the result, is the same on every CPU.
float dot(const float* a, const float* b, std::int64_t n) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::int64_t d = 0;
  for (; d + 8 <= n; d += 8)
    for (int j = 0; j < 8; ++j) lane[j] += a[d + j] * b[d + j];
  for (; d < n; ++d) lane[d % 8] += a[d] * b[d];
  return ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}

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
                     float eps) {
  for (std::int64_t i = 0; i < N; ++i) {
    const float* x = inp + i * C;
    float ss = 0.0f;
    for (std::int64_t c = 0; c < C; ++c) ss += x[c] * x[c];
    const float r = 1.0f / std::sqrt(ss / static_cast<float>(C) + eps);
    float* o = out + i * C;
    for (std::int64_t c = 0; c < C; ++c) o[c] = weight[c] * (x[c] * r);
    rstd[i] = r;
  }
}

void rmsnorm_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                      const float* rstd, std::int64_t N, std::int64_t C) {
  // y = w * x * r, r = (mean(x^2) + eps)^(-1/2):
  // dx = r * (w * dy) - x * r^3 / C * sum(w * dy * x),  dw = sum over rows of dy * x * r.
  for (std::int64_t i = 0; i < N; ++i) {
    const float* x = inp + i * C;
    const float* dy = dout + i * C;
    const float r = rstd[i];
    float dot = 0.0f;
    for (std::int64_t c = 0; c < C; ++c) dot += weight[c] * dy[c] * x[c];
    const float k = dot * r * r * r / static_cast<float>(C);
    float* dx = dinp + i * C;
    for (std::int64_t c = 0; c < C; ++c) {
      dx[c] += r * weight[c] * dy[c] - k * x[c];
      dweight[c] += dy[c] * x[c] * r;
    }
  }
}

void matmul_forward(float* out, const float* inp, const float* weight, std::int64_t N, std::int64_t C, std::int64_t OC,
                    float* scratch, ThreadPool& pool) {
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
                     std::int64_t N, std::int64_t C, std::int64_t OC, bool accumulate_dinp, ThreadPool& pool) {
  GemmOperands gi;  // dinp (N, C) = dout (N, OC) · weight (OC, C)
  gi.m = N, gi.n = C, gi.k = OC;
  gi.a = dout, gi.a_row_stride = OC, gi.a_col_stride = 1;
  gi.b = weight, gi.ldb = C;
  gi.c = dinp, gi.ldc = C;
  gi.accumulate = accumulate_dinp;
  gemm(gi, pool);
  GemmOperands gw;  // dweight (OC, C) += dout^T (OC, N) · inp (N, C)
  gw.m = OC, gw.n = C, gw.k = N;
  gw.a = dout, gw.a_row_stride = 1, gw.a_col_stride = OC;
  gw.b = inp, gw.ldb = C;
  gw.c = dweight, gw.ldc = C;
  gw.accumulate = true;
  gemm(gw, pool);
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

void attention_forward(float* out, float* probs, const float* q, const float* k, const float* v,
                       const std::int32_t* doc_start, const AttentionShape& s, ThreadPool& pool) {
  const std::int64_t T = s.T, HD = s.head_dim, QD = s.n_head * HD, KD = s.n_head_kv * HD;
  const std::int64_t group = s.n_head / s.n_head_kv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(HD));
  // One item per (sequence, key/value head): its query heads share keys and values.
  pool.parallel_for(s.B * s.n_head_kv, [&](std::int64_t item) {
    const std::int64_t b = item / s.n_head_kv, kvh = item % s.n_head_kv;
    for (std::int64_t h = kvh * group; h < (kvh + 1) * group; ++h) {
      for (std::int64_t t = 0; t < T; ++t) {
        const std::int64_t st = doc_start[b * T + t];
        const float* qt = q + (b * T + t) * QD + h * HD;
        float* p = probs + ((b * s.n_head + h) * T + t) * T;
        std::fill(p, p + T, 0.0f);
        float max = -INFINITY;
        for (std::int64_t u = st; u <= t; ++u) {
          p[u] = dot(qt, k + (b * T + u) * KD + kvh * HD, HD) * scale;
          max = std::max(max, p[u]);
        }
        float sum = 0.0f;
        for (std::int64_t u = st; u <= t; ++u) {
          p[u] = std::exp(p[u] - max);
          sum += p[u];
        }
        const float inv = 1.0f / sum;
        float* o = out + (b * T + t) * QD + h * HD;
        std::fill(o, o + HD, 0.0f);
        for (std::int64_t u = st; u <= t; ++u) {
          p[u] *= inv;
          const float* vu = v + (b * T + u) * KD + kvh * HD;
          for (std::int64_t d = 0; d < HD; ++d) o[d] += p[u] * vu[d];
        }
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
    for (std::int64_t t = 0; t < T; ++t) {
      std::fill_n(dk + (b * T + t) * KD + kvh * HD, HD, 0.0f);
      std::fill_n(dv + (b * T + t) * KD + kvh * HD, HD, 0.0f);
    }
    std::vector<float> dp(static_cast<std::size_t>(T));
    for (std::int64_t h = kvh * group; h < (kvh + 1) * group; ++h) {
      for (std::int64_t t = 0; t < T; ++t) {
        const std::int64_t st = doc_start[b * T + t];
        const float* p = probs + ((b * s.n_head + h) * T + t) * T;
        const float* dot_t = dout + (b * T + t) * QD + h * HD;
        const float* qt = q + (b * T + t) * QD + h * HD;
        float* dqt = dq + (b * T + t) * QD + h * HD;
        // dp_u = dout_t · v_u, dv_u += p_u dout_t
        float pdp = 0.0f;
        for (std::int64_t u = st; u <= t; ++u) {
          const float* vu = v + (b * T + u) * KD + kvh * HD;
          float* dvu = dv + (b * T + u) * KD + kvh * HD;
          for (std::int64_t d = 0; d < HD; ++d) dvu[d] += p[u] * dot_t[d];
          dp[u] = dot(dot_t, vu, HD);
          pdp += p[u] * dp[u];
        }
        // softmax: ds_u = p_u (dp_u - sum p dp); scores = scale q·k
        std::fill(dqt, dqt + HD, 0.0f);
        for (std::int64_t u = st; u <= t; ++u) {
          const float ds = p[u] * (dp[u] - pdp) * scale;
          const float* ku = k + (b * T + u) * KD + kvh * HD;
          float* dku = dk + (b * T + u) * KD + kvh * HD;
          for (std::int64_t d = 0; d < HD; ++d) {
            dqt[d] += ds * ku[d];
            dku[d] += ds * qt[d];
          }
        }
      }
    }
  });
}

void swiglu_forward(float* h, const float* gate, const float* up, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    h[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

void swiglu_backward(float* dgate, float* dup, const float* dh, const float* gate, const float* up, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    const float sig = 1.0f / (1.0f + std::exp(-g));
    const float silu = g * sig;
    dup[i] = dh[i] * silu;
    dgate[i] = dh[i] * up[i] * sig * (1.0f + g * (1.0f - sig));
  }
}

double cross_entropy_forward(float* logits, float* losses, const std::int32_t* targets, std::int64_t N,
                             std::int64_t V, ThreadPool& pool) {
  for_row_chunks(N, pool, [&](std::int64_t i) {
    float* l = logits + i * V;
    float max = l[0];
    for (std::int64_t j = 1; j < V; ++j) max = std::max(max, l[j]);
    const float target_logit = targets[i] >= 0 ? l[targets[i]] : 0.0f;
    double sum = 0.0;
    for (std::int64_t j = 0; j < V; ++j) {
      l[j] = std::exp(l[j] - max);
      sum += l[j];
    }
    const float inv = static_cast<float>(1.0 / sum);
    for (std::int64_t j = 0; j < V; ++j) l[j] *= inv;
    // -log p(target) = log(sum of exp(logit - max)) - (logit_target - max)
    losses[i] = targets[i] >= 0 ? static_cast<float>(std::log(sum) - (target_logit - max)) : 0.0f;
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
