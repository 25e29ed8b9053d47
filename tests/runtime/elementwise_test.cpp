// The fast forms of the element-wise steps and of the logit statistics against their scalar
// forms (bit for bit), and the scalar forms against float64.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "runtime/cpu/elementwise.hpp"
#include "runtime/cpu/logit_stats.hpp"
#include "runtime/half.hpp"

using namespace sextant::runtime;

TEST_CASE("swiglu and fp16 conversions equal their scalar forms and float64", "[runtime][kernels]") {
  std::mt19937 rng(9);
  std::normal_distribution<float> dist(0.0f, 4.0f);
  for (std::int64_t n : {1, 15, 16, 17, 1536}) {
    INFO("n " << n);
    std::vector<float> gate(static_cast<std::size_t>(n)), up(gate.size());
    for (auto& x : gate) x = dist(rng);
    for (auto& x : up) x = dist(rng);
    gate[0] = n > 1 ? -100.0f : 0.0f;  // exp(-x) beyond float's range
    if (n > 2) gate[1] = 100.0f;
    std::vector<float> fast = gate, slow = gate;
    swiglu(fast.data(), up.data(), n);
    swiglu_scalar(slow.data(), up.data(), n);
    CHECK(fast == slow);
    for (std::int64_t i = 0; i < n; ++i) {
      const double g = gate[i], expected = g / (1.0 + std::exp(-g)) * up[i];
      REQUIRE(slow[i] == Approx(expected).epsilon(1e-6).margin(1e-30));
    }
    std::vector<std::uint16_t> h1(gate.size()), h2(gate.size());
    std::vector<float> values = gate;
    values[0] = 1e-7f;  // an fp16 subnormal
    if (n > 2) values[1] = 70000.0f;  // beyond fp16's range
    to_fp16(values.data(), h1.data(), n);
    to_fp16_scalar(values.data(), h2.data(), n);
    CHECK(h1 == h2);
    std::vector<float> n1(gate.size()), n2(gate.size());
    rms_norm_row(gate.data(), up.data(), n, 1e-5f, n1.data());
    rms_norm_row_scalar(gate.data(), up.data(), n, 1e-5f, n2.data());
    CHECK(n1 == n2);
    double squares = 0;
    for (float g : gate) squares += static_cast<double>(g) * g;
    for (std::int64_t i = 0; i < n; ++i)
      REQUIRE(n2[i] == Approx(gate[i] / std::sqrt(squares / n + 1e-5) * up[i]).epsilon(1e-6).margin(1e-30));
    std::vector<float> r1 = values, r2 = values;
    round_to_fp16(r1.data(), n);
    round_to_fp16_scalar(r2.data(), n);
    CHECK(r1 == r2);
  }
}

TEST_CASE("logit statistics: the fast form equals the scalar form, which matches float64", "[runtime][kernels]") {
  std::mt19937 rng(13);
  std::normal_distribution<float> dist(0.0f, 3.0f);
  const LogitStatsFn fast = logit_stats_for("avx512");
  if (!fast) WARN("skipped the AVX-512 form: this CPU lacks it");
  for (std::int64_t n : {1, 7, 16, 33, 49152}) {
    INFO("n " << n);
    std::vector<float> logits(static_cast<std::size_t>(n));
    for (auto& x : logits) x = dist(rng);
    if (n > 20) logits[20] = logits[5] = 40.0f;  // a tie for the maximum: the first wins
    const LogitStats s = logit_stats_scalar(logits.data(), n);
    if (fast) {
      const LogitStats f = fast(logits.data(), n);
      CHECK(f.max == s.max);
      CHECK(f.argmax == s.argmax);
      CHECK(f.log_sum_exp == s.log_sum_exp);
    }
    double mx = -std::numeric_limits<double>::infinity(), sum = 0;
    std::int64_t best = 0;
    for (std::int64_t i = 0; i < n; ++i)
      if (logits[i] > mx) mx = logits[best = i];
    for (float x : logits) sum += std::exp(static_cast<double>(x) - mx);
    CHECK(s.argmax == best);
    CHECK(s.log_sum_exp == Approx(mx + std::log(sum)).margin(1e-6));  // fast_exp is within 2e-7 relative
  }
}
