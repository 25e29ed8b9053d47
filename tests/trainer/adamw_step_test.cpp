// AdamW's element-wise update: the AVX-512 form equals the scalar form bit for bit, and the
// scalar form is PyTorch's formula (checked in double precision).
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "runtime/cpu/cpu_features.hpp"
#include "trainer/optim/adamw_step.hpp"

using namespace sextant::trainer;

TEST_CASE("adamw_step: the AVX-512 form equals the scalar form bit for bit", "[trainer][optim]") {
  const std::int64_t n = 1000 + 7;  // a masked tail
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> p(n), g(n), m(n), v(n);
  for (std::int64_t i = 0; i < n; ++i) p[i] = dist(rng), g[i] = dist(rng), m[i] = 0.1f * dist(rng), v[i] = std::abs(dist(rng));
  AdamWStepConstants k;
  k.grad_scale = 0.7f, k.decay = 1.0f - 1e-3f * 0.1f, k.bias2_sqrt = std::sqrt(1.0f - 0.95f * 0.95f), k.step_size = 1e-3f / 0.19f;
  auto p1 = p, m1 = m, v1 = v;
  adamw_step_scalar(p1.data(), g.data(), m1.data(), v1.data(), n, k);
  for (std::int64_t i = 0; i < n; ++i) {
    const double gi = static_cast<double>(g[i]) * k.grad_scale;
    const double mi = m[i] + (gi - m[i]) * (1.0 - k.beta1);
    const double vi = v[i] * static_cast<double>(k.beta2) + (1.0 - k.beta2) * gi * gi;
    const double pi = p[i] * static_cast<double>(k.decay) - k.step_size * mi / (std::sqrt(vi) / k.bias2_sqrt + k.eps);
    CHECK(m1[i] == Approx(mi).epsilon(1e-5).margin(1e-7));
    CHECK(v1[i] == Approx(vi).epsilon(1e-5).margin(1e-7));
    CHECK(p1[i] == Approx(pi).epsilon(1e-5).margin(1e-7));
  }
  if (!sextant::runtime::cpu_has_avx512()) return;
  auto p2 = p, m2 = m, v2 = v;
  avx512::adamw_step(p2.data(), g.data(), m2.data(), v2.data(), n, k);
  REQUIRE(p2 == p1);
  REQUIRE(m2 == m1);
  REQUIRE(v2 == v1);
}
