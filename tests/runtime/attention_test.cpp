// The SIMD attention kernel against the scalar reference (bit for bit) and a float64 softmax.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "runtime/cpu/attention.hpp"
#include "runtime/half.hpp"

using namespace sextant::runtime;

TEST_CASE("attention kernels agree with the scalar reference and with float64", "[runtime][kernels]") {
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  const AttentionFn simd = attention_for("avx2");
  for (std::int64_t len : {1, 2, 31, 33, 255}) {
    for (std::int64_t d : {8, 64, 72}) {
      INFO("length " << len << " head size " << d);
      std::vector<float> q(static_cast<std::size_t>(d));
      for (auto& x : q) x = fp16_to_float(float_to_fp16(dist(rng)));
      std::vector<std::vector<std::uint16_t>> k(static_cast<std::size_t>(len)), v(k.size());
      std::vector<const void*> kp, vp;
      for (std::int64_t p = 0; p < len; ++p) {
        for (std::int64_t i = 0; i < d; ++i) {
          k[p].push_back(float_to_fp16(dist(rng)));
          v[p].push_back(float_to_fp16(dist(rng)));
        }
        kp.push_back(k[p].data());
        vp.push_back(v[p].data());
      }
      const float scale = 1.0f / std::sqrt(static_cast<float>(d));
      const AttentionInput in{q.data(), kp.data(), vp.data(), true, len, d, scale};
      std::vector<float> scratch(static_cast<std::size_t>(len)), ref(static_cast<std::size_t>(d)), out(ref.size());
      scalar_attention()(in, scratch.data(), ref.data());
      if (simd) {
        simd(in, scratch.data(), out.data());
        CHECK(out == ref);
      }
      // float64 attention
      std::vector<double> s(static_cast<std::size_t>(len));
      double mx = -1e300, sum = 0;
      for (std::int64_t p = 0; p < len; ++p) {
        double a = 0;
        for (std::int64_t i = 0; i < d; ++i) a += static_cast<double>(q[i]) * fp16_to_float(k[p][i]);
        s[p] = a * scale;
        mx = std::max(mx, s[p]);
      }
      for (auto& x : s) sum += x = std::exp(x - mx);
      for (std::int64_t i = 0; i < d; ++i) {
        double o = 0;
        for (std::int64_t p = 0; p < len; ++p) o += s[p] / sum * fp16_to_float(v[p][i]);
        REQUIRE(ref[i] == Approx(o).margin(1e-5));
      }
    }
  }
}
