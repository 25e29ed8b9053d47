// The trainer's causal attention over packed documents, forward and backward, against a plain
// double-precision reference, on sequences long enough for several query blocks (document
// starts inside blocks, keys from earlier blocks, grouped heads), on 1 and 2 threads.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "runtime/cpu/thread_pool.hpp"
#include "trainer/model/llama_layers.hpp"

using namespace sextant::trainer;

namespace {

struct Case {
  AttentionShape s{2, 100, 4, 2, 8};  // B, T, query heads, key/value heads, head size
  std::vector<std::int32_t> doc_start;
  std::vector<float> q, k, v, dout;
};

Case make_case() {
  Case c;
  const AttentionShape& s = c.s;
  std::mt19937 rng(11);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  auto fill = [&](std::vector<float>& x, std::int64_t n) {
    x.resize(static_cast<std::size_t>(n));
    for (float& f : x) f = dist(rng);
  };
  const std::int64_t N = s.B * s.T;
  fill(c.q, N * s.n_head * s.head_dim);
  fill(c.k, N * s.n_head_kv * s.head_dim);
  fill(c.v, N * s.n_head_kv * s.head_dim);
  fill(c.dout, N * s.n_head * s.head_dim);
  // Sequence 0: documents from 0, 37 and 70 (inside the second and third query blocks);
  // sequence 1: one document.
  for (std::int64_t t = 0; t < s.T; ++t) c.doc_start.push_back(t >= 70 ? 70 : t >= 37 ? 37 : 0);
  for (std::int64_t t = 0; t < s.T; ++t) c.doc_start.push_back(0);
  return c;
}

struct Gradients {
  std::vector<double> out, dq, dk, dv;
};

// Row by row, from the definitions: p = softmax(q·k / sqrt(HD)) over the keys [start, t].
Gradients reference(const Case& c) {
  const AttentionShape& s = c.s;
  const std::int64_t T = s.T, HD = s.head_dim, QD = s.n_head * HD, KD = s.n_head_kv * HD, group = s.n_head / s.n_head_kv;
  const double scale = 1.0 / std::sqrt(static_cast<double>(HD));
  Gradients g;
  g.out.assign(c.q.size(), 0.0), g.dq.assign(c.q.size(), 0.0), g.dk.assign(c.k.size(), 0.0), g.dv.assign(c.v.size(), 0.0);
  for (std::int64_t b = 0; b < s.B; ++b)
    for (std::int64_t h = 0; h < s.n_head; ++h)
      for (std::int64_t t = 0; t < T; ++t) {
        const std::int64_t kvh = h / group, st = c.doc_start[b * T + t];
        const float* qt = &c.q[(b * T + t) * QD + h * HD];
        const float* dot = &c.dout[(b * T + t) * QD + h * HD];
        std::vector<double> p(static_cast<std::size_t>(T), 0.0), dp(static_cast<std::size_t>(T), 0.0);
        double max = -1e300, sum = 0.0, pdp = 0.0;
        for (std::int64_t u = st; u <= t; ++u) {
          double d = 0.0;
          for (std::int64_t i = 0; i < HD; ++i) d += static_cast<double>(qt[i]) * c.k[(b * T + u) * KD + kvh * HD + i];
          p[u] = d * scale;
          max = std::max(max, p[u]);
        }
        for (std::int64_t u = st; u <= t; ++u) sum += p[u] = std::exp(p[u] - max);
        for (std::int64_t u = st; u <= t; ++u) {
          p[u] /= sum;
          for (std::int64_t i = 0; i < HD; ++i) {
            const double vi = c.v[(b * T + u) * KD + kvh * HD + i];
            g.out[(b * T + t) * QD + h * HD + i] += p[u] * vi;
            dp[u] += dot[i] * vi;
            g.dv[(b * T + u) * KD + kvh * HD + i] += p[u] * dot[i];
          }
          pdp += p[u] * dp[u];
        }
        for (std::int64_t u = st; u <= t; ++u) {
          const double ds = p[u] * (dp[u] - pdp) * scale;
          for (std::int64_t i = 0; i < HD; ++i) {
            g.dq[(b * T + t) * QD + h * HD + i] += ds * c.k[(b * T + u) * KD + kvh * HD + i];
            g.dk[(b * T + u) * KD + kvh * HD + i] += ds * qt[i];
          }
        }
      }
  return g;
}

void check_close(const std::vector<float>& ours, const std::vector<double>& want, const char* what) {
  double worst = 0.0;
  for (std::size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(ours[i] - want[i]));
  INFO(what << ": largest difference " << worst);
  CHECK(worst < 1e-5);
}

}  // namespace

TEST_CASE("attention over several query blocks and document starts equals the reference", "[trainer][model]") {
  const Case c = make_case();
  const AttentionShape& s = c.s;
  const Gradients want = reference(c);
  std::vector<float> first_out;
  for (int threads : {1, 2}) {
    INFO("threads " << threads);
    sextant::runtime::ThreadPool pool(threads);
    std::vector<float> out(c.q.size()), probs(static_cast<std::size_t>(s.B * s.n_head * s.T * s.T));
    std::vector<float> dq(c.q.size()), dk(c.k.size()), dv(c.v.size());
    attention_forward(out.data(), probs.data(), c.q.data(), c.k.data(), c.v.data(), c.doc_start.data(), s, pool);
    attention_backward(dq.data(), dk.data(), dv.data(), c.dout.data(), probs.data(), c.q.data(), c.k.data(), c.v.data(),
                       c.doc_start.data(), s, pool);
    check_close(out, want.out, "out");
    check_close(dq, want.dq, "dq");
    check_close(dk, want.dk, "dk");
    check_close(dv, want.dv, "dv");
    if (threads == 1) first_out = out;
    else CHECK(out == first_out);  // the thread count changes nothing
  }
}
