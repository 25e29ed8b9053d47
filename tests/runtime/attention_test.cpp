// The SIMD attention kernel against the scalar reference (bit for bit) and a float64 softmax.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/fast_exp.hpp"
#include "runtime/half.hpp"

using namespace sextant::runtime;

TEST_CASE("fast_exp is within 1e-6 relative of exp over the softmax range", "[runtime][kernels]") {
  for (float x = -87.0f; x <= 0.0f; x += 0.0137f) {
    const double e = std::exp(static_cast<double>(x));
    REQUIRE(std::fabs(fast_exp(x) - e) <= 1e-6 * e);
  }
  CHECK(fast_exp(0.0f) == 1.0f);
}

TEST_CASE("attention kernels agree with the scalar reference and with float64", "[runtime][kernels]") {
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (bool fp16 : {true, false}) {
    for (std::int64_t len : {1, 2, 9, 31, 33, 255}) {
      for (std::int64_t d : {8, 64, 72}) {
        for (std::int64_t n_q : {1, 3, 16}) {
          for (std::int64_t tokens : {1, 5}) {
            if (n_q * tokens > kMaxPairs) continue;
            INFO((fp16 ? "fp16" : "f32") << " length " << len << " head size " << d << " heads " << n_q << " tokens " << tokens);
            // Two kv heads per row; attend with the second; positions split into two spans.
            const std::int64_t positions = len + tokens - 1, stride = 2 * d, offset = d;
            std::vector<float> q(static_cast<std::size_t>(tokens * n_q * d));
            for (auto& x : q) x = dist(rng);
            std::vector<float> kf(static_cast<std::size_t>(positions * stride)), vf(kf.size());
            for (auto& x : kf) x = fp16_to_float(float_to_fp16(dist(rng)));
            for (auto& x : vf) x = fp16_to_float(float_to_fp16(dist(rng)));
            std::vector<std::uint16_t> kh(kf.size()), vh(vf.size());
            for (std::size_t i = 0; i < kf.size(); ++i) {
              kh[i] = float_to_fp16(kf[i]);
              vh[i] = float_to_fp16(vf[i]);
            }
            const std::int64_t split = positions / 2;
            auto at = [&](const auto& buf, std::int64_t pos) { return static_cast<const void*>(buf.data() + pos * stride); };
            std::vector<KvSpan> spans;
            if (split > 0) spans.push_back(fp16 ? KvSpan{at(kh, 0), at(vh, 0), split} : KvSpan{at(kf, 0), at(vf, 0), split});
            spans.push_back(fp16 ? KvSpan{at(kh, split), at(vh, split), positions - split}
                                 : KvSpan{at(kf, split), at(vf, split), positions - split});
            const float scale = 1.0f / std::sqrt(static_cast<float>(d));
            std::vector<float> ref(q.size()), out(q.size()), alone(q.size());
            AttentionInput in{q.data(), n_q * d, n_q, tokens, spans.data(), static_cast<std::int64_t>(spans.size()), stride, offset,
                              fp16, len, d, scale, ref.data(), n_q * d};
            std::vector<float> scratch(static_cast<std::size_t>(attention_scratch_floats(in)));
            scalar_attention()(in, scratch.data());
            for (const char* isa : {"avx2", "avx512"}) {
              const AttentionFn simd = attention_for(isa);
              if (!simd) {
                WARN("skipped " << isa << ": this CPU lacks it");
                continue;
              }
              INFO(isa);
              in.out = out.data();
              simd(in, scratch.data());
              CHECK(out == ref);
              // Each token alone gives what it gave in the block.
              for (std::int64_t j = 0; j < tokens; ++j) {
                AttentionInput one = in;
                one.q = q.data() + j * n_q * d;
                one.n_tokens = 1;
                one.length = len + j;
                one.out = alone.data() + j * n_q * d;
                simd(one, scratch.data());
              }
              CHECK(alone == ref);
            }
            for (std::int64_t j = 0; j < tokens; ++j) {
              for (std::int64_t h = 0; h < n_q; ++h) {
                const std::int64_t seen = len + j;
                std::vector<double> s(static_cast<std::size_t>(seen));
                double mx = -1e300, sum = 0;
                for (std::int64_t p = 0; p < seen; ++p) {
                  double a = 0;
                  for (std::int64_t i = 0; i < d; ++i) {
                    const float x = q[(j * n_q + h) * d + i];
                    const float qi = fp16 ? fp16_to_float(float_to_fp16(x)) : x;
                    a += static_cast<double>(qi) * kf[p * stride + offset + i];
                  }
                  s[p] = a * scale;
                  mx = std::max(mx, s[p]);
                }
                for (auto& x : s) sum += x = std::exp(x - mx);
                for (std::int64_t i = 0; i < d; ++i) {
                  double o = 0;
                  for (std::int64_t p = 0; p < seen; ++p) o += s[p] / sum * vf[p * stride + offset + i];
                  REQUIRE(ref[(j * n_q + h) * d + i] == Approx(o).margin(2e-5));
                }
              }
            }
          }
        }
      }
    }
  }
}

TEST_CASE("attention: a value only later tokens of a block see never reaches earlier ones", "[runtime][kernels]") {
  // An infinite value (an fp16 cache overflows above 65504) at the last position: the block's
  // earlier tokens do not see it and must stay finite, as when they run alone.
  const std::int64_t d = 16, n_q = 2, tokens = 4, len = 3, positions = len + tokens - 1;
  std::vector<float> q(static_cast<std::size_t>(tokens * n_q * d), 0.25f), k(static_cast<std::size_t>(positions * d), 0.5f),
      v(k.size(), 1.0f);
  for (std::int64_t i = 0; i < d; ++i) v[(positions - 1) * d + i] = INFINITY;
  const KvSpan span{k.data(), v.data(), positions};
  std::vector<float> ref(q.size()), out(q.size());
  AttentionInput in{q.data(), n_q * d, n_q, tokens, &span, 1, d, 0, false, len, d, 0.25f, ref.data(), n_q * d};
  std::vector<float> scratch(static_cast<std::size_t>(attention_scratch_floats(in)));
  scalar_attention()(in, scratch.data());
  for (const char* isa : {"avx2", "avx512"}) {
    const AttentionFn simd = attention_for(isa);
    if (!simd) continue;
    INFO(isa);
    in.out = out.data();
    simd(in, scratch.data());
    for (std::int64_t i = 0; i < (tokens - 1) * n_q * d; ++i) {
      REQUIRE(std::isfinite(out[static_cast<std::size_t>(i)]));
      REQUIRE(out[static_cast<std::size_t>(i)] == ref[static_cast<std::size_t>(i)]);
    }
  }
}
