// A Llama decoder with its parameters, gradients and activations: one micro-batch forward and backward.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/model/model_config.hpp"
#include "trainer/model/llama_layers.hpp"
#include "trainer/model/parameters.hpp"
#include "trainer/model/token_batch.hpp"

namespace sextant::trainer {

struct LossSum {
  double sum = 0.0;          // of -log p(target) over positions with a target
  std::int64_t targets = 0;  // how many positions had one
};

class TrainableLlama {
 public:
  // Buffers for micro-batches of `batch` sequences of `seq_len` tokens.
  TrainableLlama(const runtime::ModelConfig& config, std::int64_t batch, std::int64_t seq_len,
                 MatmulPrecision precision = MatmulPrecision::fp32);

  const runtime::ModelConfig& config() const { return config_; }
  Parameters& params() { return params_; }
  const Parameters& params() const { return params_; }
  Parameters& grads() { return grads_; }

  // The forward pass up to the logits (B * T, V), which stay valid until the next call.
  const float* logits(const TokenBatch& batch, ThreadPool& pool);
  // The forward pass and the loss; keeps what backward() needs.
  LossSum forward(const TokenBatch& batch, ThreadPool& pool);
  // Adds d(loss_scale * loss sum) / d(parameters) of the last forward() into grads().
  void backward(float loss_scale, ThreadPool& pool);
  void zero_grads();

 private:
  struct LayerActivations {
    std::vector<float> x;            // (N, C) the residual stream entering the layer
    std::vector<float> xn1, rstd1;   // attention norm output (N, C), (N)
    std::vector<float> q, k, v;      // after RoPE: (N, NH*HD), (N, NKV*HD) x2
    std::vector<float> probs;        // (B, NH, T, T)
    std::vector<float> att;          // (N, NH*HD)
    std::vector<float> x2;           // (N, C) after the attention residual
    std::vector<float> xn2, rstd2;   // feed-forward norm output, (N)
    std::vector<float> gate, up, h;  // (N, F)
  };

  void check_batch(const TokenBatch& batch) const;

  runtime::ModelConfig config_;
  std::int64_t B_, T_, N_;
  MatmulPrecision precision_;
  Parameters params_, grads_;
  RopeTable rope_;
  std::vector<LayerActivations> acts_;
  std::vector<float> x_final_, xnf_, rstdf_, logits_, losses_;
  std::vector<std::int32_t> positions_, targets_;
  const TokenBatch* batch_ = nullptr;
  // Backward scratch, reused by every layer.
  std::vector<float> dx_, dxn_, dq_, dk_, dv_, datt_, dgate_, dup_, dh_, scratch_;
};

}  // namespace sextant::trainer
