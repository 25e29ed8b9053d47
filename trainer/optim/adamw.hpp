// AdamW with decoupled weight decay (PyTorch's update, step by step) and global-norm clipping.
#pragma once

#include <cstdint>
#include <vector>

#include "trainer/model/parameters.hpp"

namespace sextant::runtime {
class ThreadPool;
}

namespace sextant::trainer {

struct AdamWSettings {
  float beta1 = 0.9f;
  float beta2 = 0.95f;
  float eps = 1e-8f;
  float weight_decay = 0.1f;  // on matrices only; norm weights have none
};

class AdamW {
 public:
  // Updates the entries [begin, end) of the flat parameter buffer (all of it by default) and
  // keeps moments for those only: with data parallelism each rank owns one shard (ZeRO-1).
  AdamW(const Parameters& params, const AdamWSettings& settings, std::int64_t begin = 0, std::int64_t end = -1);

  // One update with learning rate `lr`; step counts from 1 (bias correction). Each gradient
  // is multiplied by grad_scale first (clipping). The order of operations is PyTorch's
  // single-tensor AdamW: p *= 1 - lr*wd; m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g*g;
  // p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
  // Elements are independent, so a pool (when given) changes nothing but the speed.
  void update(Parameters& params, const Parameters& grads, float lr, std::int64_t step, float grad_scale,
              runtime::ThreadPool* pool = nullptr);

  // The moments of the shard, m()[i] belonging to parameter begin() + i.
  std::vector<float>& m() { return m_; }
  std::vector<float>& v() { return v_; }
  std::int64_t begin() const { return begin_; }
  std::int64_t end() const { return end_; }

 private:
  AdamWSettings settings_;
  std::int64_t begin_, end_;
  std::vector<float> m_, v_;
};

// The L2 norm of all gradients together, accumulated in double in a fixed order whatever the
// pool: squares summed in 8 lanes within chunks of 64K elements, lanes added in order, then the
// chunks' sums in order.
double global_grad_norm(const Parameters& grads, runtime::ThreadPool* pool = nullptr);

// PyTorch's clip_grad_norm_ factor: min(1, max_norm / (norm + 1e-6)).
float clip_scale(double norm, double max_norm);

}  // namespace sextant::trainer
