// Llama-family forward pass: RMSNorm, rotary attention with grouped KV heads, SwiGLU, tied or
// separate output head. Written as plain per-step loops so one layer reads top to bottom.
#include "runtime/model/transformer.hpp"

#include <cmath>
#include <utility>

#include "core/error.hpp"
#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/elementwise.hpp"
#include "runtime/cpu/matmul.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

namespace {

// out (n, d) = x (n, d) / rms(x) * weight (d); a token's row per task (a row depends on nothing else).
void rms_norm(const float* x, const float* weight, std::int64_t n, std::int64_t d, float eps, float* out, ThreadPool& pool) {
  auto row = [&](std::int64_t t) { rms_norm_row(x + t * d, weight, d, eps, out + t * d); };
  if (n < 8) {
    for (std::int64_t t = 0; t < n; ++t) row(t);
  } else {
    pool.parallel_for(n, row);
  }
}

// x (n, d) += y (n, d)
void add_rows(float* x, const float* y, std::int64_t n, std::int64_t d, ThreadPool& pool) {
  pool.parallel_for(n, [&](std::int64_t t) {
    for (std::int64_t i = t * d; i < (t + 1) * d; ++i) x[i] += y[i];
  });
}

// Rotates the first rope_dims dimensions of each head of one token's q or k vector.
void apply_rope(float* v, std::int64_t n_heads, const ModelConfig& c, const float* cos_t, const float* sin_t) {
  const std::int64_t half = c.rope_dims / 2;
  for (std::int64_t h = 0; h < n_heads; ++h) {
    float* x = v + h * c.head_dim;
    for (std::int64_t i = 0; i < half; ++i) {
      const std::int64_t a = c.rope_style == RopeStyle::Adjacent ? 2 * i : i;
      const std::int64_t b = c.rope_style == RopeStyle::Adjacent ? 2 * i + 1 : i + half;
      const float x0 = x[a], x1 = x[b];
      x[a] = x0 * cos_t[i] - x1 * sin_t[i];
      x[b] = x0 * sin_t[i] + x1 * cos_t[i];
    }
  }
}

}  // namespace

void forward(const Model& model, const ForwardBatch& batch, std::vector<float>& logits, ThreadPool& pool) {
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  const std::int64_t n = static_cast<std::int64_t>(batch.size());
  const std::int64_t d = c.n_embd, qd = c.q_dim(), kvd = c.kv_dim(), hd = c.head_dim;
  if (n == 0) {
    logits.clear();
    return;
  }
  for (std::int64_t t = 0; t < n; ++t) {
    if (batch.tokens[t] < 0 || batch.tokens[t] >= c.n_vocab) fail("token id {} is outside the vocabulary of {}", batch.tokens[t], c.n_vocab);
    if (batch.positions[t] < batch.caches[t]->base_length())
      fail("position {} lies in the read-only shared prefix of its cache", batch.positions[t]);
    batch.caches[t]->reserve(batch.positions[t] + 1);
  }

  // Rotation angles per token: theta_i = pos / factor * base^(-2i / rope_dims) / freq_factor_i,
  // in double.
  const std::int64_t half = c.rope_dims / 2;
  std::vector<float> rope_cos(static_cast<std::size_t>(n * half)), rope_sin(rope_cos.size());
  for (std::int64_t t = 0; t < n; ++t) {
    const double pos = batch.positions[t] / c.rope_linear_factor;
    for (std::int64_t i = 0; i < half; ++i) {
      double theta = pos * std::pow(c.rope_theta, -2.0 * static_cast<double>(i) / static_cast<double>(c.rope_dims));
      if (!c.rope_freq_factors.empty()) theta /= c.rope_freq_factors[static_cast<std::size_t>(i)];
      rope_cos[t * half + i] = static_cast<float>(std::cos(theta));
      rope_sin[t * half + i] = static_cast<float>(std::sin(theta));
    }
  }

  // The activations, kept between calls on this thread: every element is written before it
  // is read, and fresh buffers of this size would cost the kernel zeroing their pages each pass.
  // (Plain references to them below: a thread_local named inside a task would be the
  // worker's own, empty, copy.)
  struct Activations {
    std::vector<float> x, h, attn_out, q, k, v, gate, up, proj;
  };
  thread_local Activations kept;
  std::vector<float>&x = kept.x, &h = kept.h, &attn_out = kept.attn_out, &q = kept.q, &k = kept.k, &v = kept.v,
  &gate = kept.gate, &up = kept.up, &proj = kept.proj;
  for (auto [buffer, size] : {std::pair{&x, n * d}, {&h, n * d}, {&attn_out, n * qd}, {&q, n * qd}, {&k, n * kvd},
                              {&v, n * kvd}, {&gate, n * c.n_ff}, {&up, n * c.n_ff}, {&proj, n * d}})
    if (buffer->size() < static_cast<std::size_t>(size)) buffer->resize(static_cast<std::size_t>(size));

  pool.parallel_for(n, [&](std::int64_t t) { weight_row_to_float(w.token_embedding, batch.tokens[t], x.data() + t * d); });

  const float attn_scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const std::int64_t group = c.n_head / c.n_head_kv;
  // Query heads per attention call (at most kMaxPairs), and blocks of consecutive tokens of
  // one sequence that fill the rest of a call's pairs.
  const AttentionFn attend = best_attention();
  const std::int64_t sub_groups = (group + kMaxPairs - 1) / kMaxPairs, per_job = (group + sub_groups - 1) / sub_groups;
  const std::int64_t tokens_per_block = std::max<std::int64_t>(1, kMaxPairs / per_job);
  struct AttentionBlock {
    std::int64_t first, count;
  };
  std::vector<AttentionBlock> blocks;
  for (std::int64_t t = 0; t < n; ++t) {
    if (!blocks.empty()) {
      AttentionBlock& last = blocks.back();
      const std::int64_t prev = last.first + last.count - 1;
      if (prev == t - 1 && batch.caches[t] == batch.caches[prev] && batch.positions[t] == batch.positions[prev] + 1 &&
          last.count < tokens_per_block) {
        ++last.count;
        continue;
      }
    }
    blocks.push_back({t, 1});
  }
  for (std::int64_t layer = 0; layer < c.n_layer; ++layer) {
    const LayerWeights& L = w.layers[static_cast<std::size_t>(layer)];

    // Attention block: h = norm(x); q, k, v = h W; rotate; attend over the cache; x += o W_o
    rms_norm(x.data(), L.attn_norm, n, d, c.rms_eps, h.data(), pool);
    matmul_many({{&L.wq, q.data()}, {&L.wk, k.data()}, {&L.wv, v.data()}}, h.data(), n, pool);
    pool.parallel_for(n, [&](std::int64_t t) {
      if (L.bq) for (std::int64_t i = 0; i < qd; ++i) q[t * qd + i] += L.bq[i];
      if (L.bk) for (std::int64_t i = 0; i < kvd; ++i) k[t * kvd + i] += L.bk[i];
      if (L.bv) for (std::int64_t i = 0; i < kvd; ++i) v[t * kvd + i] += L.bv[i];
      apply_rope(q.data() + t * qd, c.n_head, c, &rope_cos[t * half], &rope_sin[t * half]);
      apply_rope(k.data() + t * kvd, c.n_head_kv, c, &rope_cos[t * half], &rope_sin[t * half]);
      batch.caches[t]->store(layer, batch.positions[t], k.data() + t * kvd, v.data() + t * kvd);
    });
    // One job per block of consecutive tokens of one sequence and group of query heads
    // sharing a key/value head, so each cached row is read once for the whole block.
    pool.parallel_for(static_cast<std::int64_t>(blocks.size()) * c.n_head_kv * sub_groups, [&](std::int64_t job) {
      const AttentionBlock& block = blocks[static_cast<std::size_t>(job / (c.n_head_kv * sub_groups))];
      const std::int64_t kv_head = job / sub_groups % c.n_head_kv;
      const std::int64_t first = kv_head * group + job % sub_groups * per_job;
      const std::int64_t n_q = std::min(per_job, (kv_head + 1) * group - first);
      const std::int64_t t = block.first;
      const KvCache& cache = *batch.caches[t];
      const std::int64_t len = batch.positions[t] + 1;
      thread_local std::vector<float> scratch;
      thread_local std::vector<KvSpan> spans;
      spans.clear();
      cache.spans(layer, len + block.count - 1, spans);
      const AttentionInput in{q.data() + t * qd + first * hd, qd, n_q, block.count, spans.data(), static_cast<std::int64_t>(spans.size()),
                              kvd, kv_head * hd, cache.type() == KvType::F16, len, hd, attn_scale,
                              attn_out.data() + t * qd + first * hd, qd};
      scratch.resize(static_cast<std::size_t>(attention_scratch_floats(in)));
      attend(in, scratch.data());
    });
    matmul(L.wo, attn_out.data(), n, proj.data(), pool);
    add_rows(x.data(), proj.data(), n, d, pool);

    // Feed-forward block: x += (silu(h W_gate) * (h W_up)) W_down, h = norm(x)
    rms_norm(x.data(), L.ffn_norm, n, d, c.rms_eps, h.data(), pool);
    matmul_many({{&L.w_gate, gate.data()}, {&L.w_up, up.data()}}, h.data(), n, pool);
    pool.parallel_for(n, [&](std::int64_t t) { swiglu(gate.data() + t * c.n_ff, up.data() + t * c.n_ff, c.n_ff); });
    matmul(L.w_down, gate.data(), n, proj.data(), pool);
    add_rows(x.data(), proj.data(), n, d, pool);
  }

  for (std::int64_t t = 0; t < n; ++t) {
    KvCache& cache = *batch.caches[t];
    cache.set_length(std::max<std::int64_t>(cache.length(), batch.positions[t] + 1));
  }

  // Output head only for the rows asked for.
  const std::int64_t m = static_cast<std::int64_t>(batch.logit_rows.size());
  std::vector<float> selected(static_cast<std::size_t>(m * d));
  for (std::int64_t r = 0; r < m; ++r) std::copy_n(x.data() + batch.logit_rows[r] * d, d, selected.data() + r * d);
  rms_norm(selected.data(), w.output_norm, m, d, c.rms_eps, selected.data(), pool);
  logits.resize(static_cast<std::size_t>(m * c.n_vocab));
  matmul(w.output, selected.data(), m, logits.data(), pool);
}

}  // namespace sextant::runtime
