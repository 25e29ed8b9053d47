// One training micro-batch through a Llama decoder: the forward pass layer by layer, then back.
#include "trainer/model/trainable_llama.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"
#include "runtime/cpu/thread_pool.hpp"

namespace sextant::trainer {
namespace {
std::vector<float> zeros(std::int64_t n) { return std::vector<float>(static_cast<std::size_t>(n), 0.0f); }
}  // namespace

TrainableLlama::TrainableLlama(const runtime::ModelConfig& config, std::int64_t batch, std::int64_t seq_len,
                               MatmulPrecision precision)
    : config_(config), B_(batch), T_(seq_len), N_(batch * seq_len), precision_(precision), params_(config), grads_(config),
      rope_(make_rope_table(seq_len, config.head_dim, config.rope_theta)) {
  check_trainable(config, "model");
  const std::int64_t C = config.n_embd, Q = config.q_dim(), KV = config.kv_dim(), F = config.n_ff;
  const std::int64_t N = N_;
  acts_.resize(static_cast<std::size_t>(config.n_layer));
  for (LayerActivations& a : acts_) {
    a.x = zeros(N * C), a.xn1 = zeros(N * C), a.rstd1 = zeros(N);
    a.q = zeros(N * Q), a.k = zeros(N * KV), a.v = zeros(N * KV);
    a.probs = zeros(B_ * config.n_head * T_ * T_);
    a.att = zeros(N * Q), a.x2 = zeros(N * C), a.xn2 = zeros(N * C), a.rstd2 = zeros(N);
    a.gate = zeros(N * F), a.up = zeros(N * F), a.h = zeros(N * F);
  }
  x_final_ = zeros(N * C), xnf_ = zeros(N * C), rstdf_ = zeros(N);
  logits_ = zeros(N * config.n_vocab), losses_ = zeros(N);
  positions_.resize(static_cast<std::size_t>(N));
  const std::int64_t widest = std::max({C, Q, F});
  dx_ = zeros(N * C), dxn_ = zeros(N * widest), dq_ = zeros(N * Q), dk_ = zeros(N * KV), dv_ = zeros(N * KV);
  datt_ = zeros(N * Q), dgate_ = zeros(N * F), dup_ = zeros(N * F), dh_ = zeros(N * F);
  scratch_ = zeros(std::max({config.n_vocab * C, F * C, Q * C}));
}

void TrainableLlama::check_batch(const TokenBatch& batch) const {
  if (batch.B != B_ || batch.T != T_) fail("batch of {}x{} tokens given to a model built for {}x{}", batch.B, batch.T, B_, T_);
  for (std::int64_t i = 0; i < N_; ++i) {
    const std::int32_t tok = batch.tokens[i], tgt = batch.targets[i], st = batch.doc_start[i];
    if (tok < 0 || tok >= config_.n_vocab) fail("token {} at position {} is outside the vocabulary ({})", tok, i, config_.n_vocab);
    if (tgt >= config_.n_vocab) fail("target {} at position {} is outside the vocabulary ({})", tgt, i, config_.n_vocab);
    if (st < 0 || st > i % T_) fail("document start {} at position {} is not within its sequence", st, i);
  }
}

const float* TrainableLlama::logits(const TokenBatch& batch, ThreadPool& pool) {
  check_batch(batch);
  batch_ = &batch;
  const runtime::ModelConfig& c = config_;
  const std::int64_t N = N_, C = c.n_embd, Q = c.q_dim(), KV = c.kv_dim(), F = c.n_ff;
  for (std::int64_t i = 0; i < N; ++i) positions_[i] = static_cast<std::int32_t>(i % T_ - batch.doc_start[i]);
  const AttentionShape shape{B_, T_, c.n_head, c.n_head_kv, c.head_dim};

  embedding_forward(acts_[0].x.data(), batch.tokens.data(), params_.embedding, N, C);
  for (std::size_t l = 0; l < acts_.size(); ++l) {
    LayerActivations& a = acts_[l];
    const LayerParameters& p = params_.layers[l];
    float* out = l + 1 < acts_.size() ? acts_[l + 1].x.data() : x_final_.data();
    rmsnorm_forward(a.xn1.data(), a.rstd1.data(), a.x.data(), p.attn_norm, N, C, c.rms_eps, pool);
    matmul_forward(a.q.data(), a.xn1.data(), p.wq, N, C, Q, scratch_.data(), precision_, pool);
    matmul_forward(a.k.data(), a.xn1.data(), p.wk, N, C, KV, scratch_.data(), precision_, pool);
    matmul_forward(a.v.data(), a.xn1.data(), p.wv, N, C, KV, scratch_.data(), precision_, pool);
    rope_forward(a.q.data(), positions_.data(), N, c.n_head, c.head_dim, rope_);
    rope_forward(a.k.data(), positions_.data(), N, c.n_head_kv, c.head_dim, rope_);
    attention_forward(a.att.data(), a.probs.data(), a.q.data(), a.k.data(), a.v.data(), batch.doc_start.data(), shape,
                      pool);
    matmul_forward(a.x2.data(), a.att.data(), p.wo, N, Q, C, scratch_.data(), precision_, pool);
    for (std::int64_t i = 0; i < N * C; ++i) a.x2[i] += a.x[i];
    rmsnorm_forward(a.xn2.data(), a.rstd2.data(), a.x2.data(), p.ffn_norm, N, C, c.rms_eps, pool);
    matmul_forward(a.gate.data(), a.xn2.data(), p.w_gate, N, C, F, scratch_.data(), precision_, pool);
    matmul_forward(a.up.data(), a.xn2.data(), p.w_up, N, C, F, scratch_.data(), precision_, pool);
    swiglu_forward(a.h.data(), a.gate.data(), a.up.data(), N * F, pool);
    matmul_forward(out, a.h.data(), p.w_down, N, F, C, scratch_.data(), precision_, pool);
    for (std::int64_t i = 0; i < N * C; ++i) out[i] += a.x2[i];
  }
  rmsnorm_forward(xnf_.data(), rstdf_.data(), x_final_.data(), params_.final_norm, N, C, c.rms_eps, pool);
  matmul_forward(logits_.data(), xnf_.data(), params_.embedding, N, C, c.n_vocab, scratch_.data(), precision_, pool);
  return logits_.data();
}

LossSum TrainableLlama::forward(const TokenBatch& batch, ThreadPool& pool) {
  logits(batch, pool);
  LossSum loss;
  loss.sum = cross_entropy_forward(logits_.data(), losses_.data(), batch.targets.data(), N_, config_.n_vocab, pool);
  for (std::int32_t t : batch.targets) loss.targets += t >= 0;
  return loss;
}

void TrainableLlama::backward(float loss_scale, ThreadPool& pool) {
  if (!batch_) fail("backward() before forward()");
  const TokenBatch& batch = *batch_;
  const runtime::ModelConfig& c = config_;
  const std::int64_t N = N_, C = c.n_embd, Q = c.q_dim(), KV = c.kv_dim(), F = c.n_ff;
  const AttentionShape shape{B_, T_, c.n_head, c.n_head_kv, c.head_dim};

  // logits = xnf · embedding^T; the probabilities become dlogits in place.
  cross_entropy_backward(logits_.data(), batch.targets.data(), loss_scale, N, c.n_vocab, pool);
  matmul_backward(dxn_.data(), grads_.embedding, logits_.data(), xnf_.data(), params_.embedding, N, C, c.n_vocab, false, precision_, pool);
  std::fill(dx_.begin(), dx_.end(), 0.0f);
  rmsnorm_backward(dx_.data(), grads_.final_norm, dxn_.data(), x_final_.data(), params_.final_norm, rstdf_.data(), N, C, pool);

  // dx_ holds d loss / d (the residual stream leaving layer l) and becomes that of its input.
  for (std::size_t l = acts_.size(); l-- > 0;) {
    LayerActivations& a = acts_[l];
    const LayerParameters& p = params_.layers[l];
    LayerParameters& g = grads_.layers[l];
    // out = x2 + h · w_down^T: the residual passes dx_ to x2 unchanged.
    matmul_backward(dh_.data(), g.w_down, dx_.data(), a.h.data(), p.w_down, N, F, C, false, precision_, pool);
    swiglu_backward(dgate_.data(), dup_.data(), dh_.data(), a.gate.data(), a.up.data(), N * F, pool);
    matmul_backward(dxn_.data(), g.w_gate, dgate_.data(), a.xn2.data(), p.w_gate, N, C, F, false, precision_, pool);
    matmul_backward(dxn_.data(), g.w_up, dup_.data(), a.xn2.data(), p.w_up, N, C, F, true, precision_, pool);
    rmsnorm_backward(dx_.data(), g.ffn_norm, dxn_.data(), a.x2.data(), p.ffn_norm, a.rstd2.data(), N, C, pool);
    // x2 = x + att · wo^T
    matmul_backward(datt_.data(), g.wo, dx_.data(), a.att.data(), p.wo, N, Q, C, false, precision_, pool);
    attention_backward(dq_.data(), dk_.data(), dv_.data(), datt_.data(), a.probs.data(), a.q.data(), a.k.data(),
                       a.v.data(), batch.doc_start.data(), shape, pool);
    rope_backward(dq_.data(), positions_.data(), N, c.n_head, c.head_dim, rope_);
    rope_backward(dk_.data(), positions_.data(), N, c.n_head_kv, c.head_dim, rope_);
    matmul_backward(dxn_.data(), g.wq, dq_.data(), a.xn1.data(), p.wq, N, C, Q, false, precision_, pool);
    matmul_backward(dxn_.data(), g.wk, dk_.data(), a.xn1.data(), p.wk, N, C, KV, true, precision_, pool);
    matmul_backward(dxn_.data(), g.wv, dv_.data(), a.xn1.data(), p.wv, N, C, KV, true, precision_, pool);
    rmsnorm_backward(dx_.data(), g.attn_norm, dxn_.data(), a.x.data(), p.attn_norm, a.rstd1.data(), N, C, pool);
  }
  embedding_backward(grads_.embedding, dx_.data(), batch.tokens.data(), N, C);
  batch_ = nullptr;
}

void TrainableLlama::zero_grads() { std::fill(grads_.data(), grads_.data() + grads_.size(), 0.0f); }

}  // namespace sextant::trainer
