// The AdamW update over the flat parameter buffer, and gradient-norm clipping.
#include "trainer/optim/adamw.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/cpu/thread_pool.hpp"
#include "trainer/optim/adamw_step.hpp"

namespace sextant::trainer {
namespace {

// Elements per parallel item of the update and of the norm.
constexpr std::int64_t kChunk = 65536;

// fn(chunk) for every chunk of [0, count), on the pool when there is one.
template <typename Fn>
void for_chunks(std::int64_t count, runtime::ThreadPool* pool, Fn&& fn) {
  const std::int64_t chunks = (count + kChunk - 1) / kChunk;
  if (pool) {
    pool->parallel_for(chunks, fn);
  } else {
    for (std::int64_t c = 0; c < chunks; ++c) fn(c);
  }
}

}  // namespace

AdamW::AdamW(const Parameters& params, const AdamWSettings& settings, std::int64_t begin, std::int64_t end)
    : settings_(settings), begin_(begin), end_(end < 0 ? params.size() : end),
      m_(static_cast<std::size_t>(end_ - begin_), 0.0f),
      v_(static_cast<std::size_t>(end_ - begin_), 0.0f) {}

void AdamW::update(Parameters& params, const Parameters& grads, float lr, std::int64_t step, float grad_scale,
                   runtime::ThreadPool* pool) {
  const AdamWSettings& s = settings_;
  const float bias1 = 1.0f - static_cast<float>(std::pow(static_cast<double>(s.beta1), static_cast<double>(step)));
  const float bias2 = 1.0f - static_cast<float>(std::pow(static_cast<double>(s.beta2), static_cast<double>(step)));
  const float step_size = lr / bias1;
  const float bias2_sqrt = std::sqrt(bias2);
  for (const ParameterTensor& t : params.tensors()) {
    // The part of the tensor in this shard.
    const std::int64_t lo = std::max(t.offset, begin_), hi = std::min(t.offset + t.size, end_);
    if (lo >= hi) continue;
    float* p = params.data() + lo;
    const float* g = grads.data() + lo;
    float* m = m_.data() + (lo - begin_);
    float* v = v_.data() + (lo - begin_);
    AdamWStepConstants k;
    k.grad_scale = grad_scale;
    k.decay = t.decay ? 1.0f - lr * s.weight_decay : 1.0f;
    k.beta1 = s.beta1, k.beta2 = s.beta2, k.eps = s.eps;
    k.bias2_sqrt = bias2_sqrt;
    k.step_size = step_size;
    for_chunks(hi - lo, pool, [&](std::int64_t c) {
      const std::int64_t i0 = c * kChunk;
      adamw_step(p + i0, g + i0, m + i0, v + i0, std::min(hi - lo, i0 + kChunk) - i0, k);
    });
  }
}

double global_grad_norm(const Parameters& grads, runtime::ThreadPool* pool) {
  const float* g = grads.data();
  const std::int64_t n = grads.size();
  std::vector<double> chunk_sums(static_cast<std::size_t>((n + kChunk - 1) / kChunk), 0.0);
  for_chunks(n, pool, [&](std::int64_t c) {
    double lane[8] = {};
    const std::int64_t i1 = std::min(n, (c + 1) * kChunk);
    for (std::int64_t i = c * kChunk; i < i1; ++i) lane[i % 8] += static_cast<double>(g[i]) * g[i];
    double sum = 0.0;
    for (double l : lane) sum += l;
    chunk_sums[static_cast<std::size_t>(c)] = sum;
  });
  double sum = 0.0;
  for (double s : chunk_sums) sum += s;
  return std::sqrt(sum);
}

float clip_scale(double norm, double max_norm) {
  return static_cast<float>(std::min(1.0, max_norm / (norm + 1e-6)));
}

}  // namespace sextant::trainer
