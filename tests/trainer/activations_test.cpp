// The training element-wise steps: the AVX-512 forms equal the scalar forms bit for bit, and
// both agree with the textbook formulas in double precision.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "runtime/cpu/cpu_features.hpp"
#include "trainer/kernels/activations.hpp"

using namespace sextant::trainer;

namespace {

std::vector<float> random_floats(std::size_t n, std::uint32_t seed, float scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

}  // namespace

TEST_CASE("softmax_row: the AVX-512 form equals the scalar form bit for bit and is a softmax", "[trainer]") {
  for (std::int64_t n : {1, 2, 15, 16, 17, 33, 255, 4096}) {
    INFO("n " << n);
    const auto x = random_floats(static_cast<std::size_t>(n), static_cast<std::uint32_t>(n), 4.0f);
    auto scalar = x, fast = x;
    const float lse_scalar = softmax_row_scalar(scalar.data(), n);
    if (sextant::runtime::cpu_has_avx512()) {
      const float lse_fast = avx512::softmax_row(fast.data(), n);
      REQUIRE(fast == scalar);
      REQUIRE(lse_fast == lse_scalar);
    }
    double max = x[0];
    for (float v : x) max = std::max(max, static_cast<double>(v));
    double sum = 0.0;
    for (float v : x) sum += std::exp(v - max);
    CHECK(lse_scalar == Approx(max + std::log(sum)).epsilon(1e-6));
    for (std::int64_t i = 0; i < n; ++i) CHECK(scalar[i] == Approx(std::exp(x[i] - max) / sum).epsilon(2e-6).margin(1e-12));
  }
}

TEST_CASE("swiglu rows: the AVX-512 forms equal the scalar forms bit for bit and match the formulas", "[trainer]") {
  const std::int64_t n = 1000;
  auto gate = random_floats(n, 1, 3.0f);
  gate[0] = 0.0f, gate[1] = -0.0f, gate[2] = 100.0f, gate[3] = -100.0f;  // the clamped ends of exp
  const auto up = random_floats(n, 2, 1.0f), dh = random_floats(n, 3, 1.0f);
  std::vector<float> h(n), dgate(n), dup(n);
  swiglu_forward_rows_scalar(h.data(), gate.data(), up.data(), n);
  swiglu_backward_rows_scalar(dgate.data(), dup.data(), dh.data(), gate.data(), up.data(), n);
  if (sextant::runtime::cpu_has_avx512()) {
    std::vector<float> h2(n), dgate2(n), dup2(n);
    avx512::swiglu_forward_rows(h2.data(), gate.data(), up.data(), n);
    avx512::swiglu_backward_rows(dgate2.data(), dup2.data(), dh.data(), gate.data(), up.data(), n);
    REQUIRE(h2 == h);
    REQUIRE(dgate2 == dgate);
    REQUIRE(dup2 == dup);
  }
  for (std::int64_t i = 0; i < n; ++i) {
    const double g = gate[i], sig = 1.0 / (1.0 + std::exp(-g));
    CHECK(h[i] == Approx(g * sig * up[i]).epsilon(1e-5).margin(1e-30));
    CHECK(dup[i] == Approx(dh[i] * g * sig).epsilon(1e-5).margin(1e-30));
    // 1 + g (1 - sig) cancels near g = -1.28: an absolute margin there
    CHECK(dgate[i] == Approx(dh[i] * up[i] * sig * (1.0 + g * (1.0 - sig))).epsilon(1e-5).margin(1e-6));
  }
}
