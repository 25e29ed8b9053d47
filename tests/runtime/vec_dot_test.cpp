// The SIMD dot products against the scalar reference (bit for bit), and the scalar ones
// against a float computation from the dequantized blocks.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "runtime/cpu/vec_dot.hpp"
#include "runtime/half.hpp"
#include "runtime/quant_blocks.hpp"
#include "runtime/tensor_type.hpp"

using namespace sextant::runtime;

namespace {

std::vector<float> random_floats(std::size_t n, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Random Q4 blocks with sensible scales.
template <typename Block>
std::vector<Block> random_q4(std::size_t n_blocks, std::mt19937& rng) {
  std::vector<Block> b(n_blocks);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> scale(0.001f, 0.05f);
  for (auto& blk : b) {
    for (auto& q : blk.qs) q = static_cast<std::uint8_t>(byte(rng));
    blk.d = float_to_fp16(scale(rng));
    if constexpr (sizeof(Block) == sizeof(BlockQ4_1)) blk.m = float_to_fp16(-scale(rng) * 8);
  }
  return b;
}

std::vector<std::uint8_t> quantize_as(TensorType t, const std::vector<float>& x) {
  const auto& traits = tensor_type_traits(t);
  std::vector<std::uint8_t> out(row_bytes(t, static_cast<std::int64_t>(x.size())));
  traits.quantize(x.data(), out.data(), static_cast<std::int64_t>(x.size()));
  return out;
}

float float_dot(TensorType wt, const void* w, TensorType xt, const void* x, std::int64_t n) {
  std::vector<float> wf(static_cast<std::size_t>(n)), xf(static_cast<std::size_t>(n));
  tensor_type_traits(wt).dequantize(w, wf.data(), n);
  tensor_type_traits(xt).dequantize(x, xf.data(), n);
  double s = 0;
  for (std::int64_t i = 0; i < n; ++i) s += static_cast<double>(wf[i]) * xf[i];
  return static_cast<float>(s);
}

}  // namespace

TEST_CASE("simd dot products equal the scalar reference bit for bit", "[runtime][kernels]") {
  std::mt19937 rng(7);
  const VecDotKernels& ref = scalar_vec_dot_kernels();
  for (const char* isa : {"avx2", "avx512vnni"}) {
    const VecDotKernels* k = vec_dot_kernels_for(isa);
    if (!k) {
      WARN("skipped " << isa << ": this CPU lacks it");
      continue;
    }
    for (std::int64_t blocks : {1, 7, 8, 9, 18, 31, 33, 48, 255}) {
      INFO(isa << " with " << blocks << " blocks");
      const std::int64_t n = blocks * kQK;
      auto x = random_floats(static_cast<std::size_t>(n), rng);
      auto wf = random_floats(static_cast<std::size_t>(n), rng);
      const auto x8_0 = quantize_as(TensorType::Q8_0, x);
      const auto x8_1 = quantize_as(TensorType::Q8_1, x);
      const auto w8_0 = quantize_as(TensorType::Q8_0, wf);
      const auto w4_0 = random_q4<BlockQ4_0>(static_cast<std::size_t>(blocks), rng);
      const auto w4_1 = random_q4<BlockQ4_1>(static_cast<std::size_t>(blocks), rng);
      CHECK(k->q8_0(n, w8_0.data(), x8_0.data()) == ref.q8_0(n, w8_0.data(), x8_0.data()));
      CHECK(k->q4_0(n, w4_0.data(), x8_0.data()) == ref.q4_0(n, w4_0.data(), x8_0.data()));
      CHECK(k->q4_1(n, w4_1.data(), x8_1.data()) == ref.q4_1(n, w4_1.data(), x8_1.data()));
    }
    for (std::int64_t n : {1, 7, 8, 31, 33, 255, 576}) {
      auto a = random_floats(static_cast<std::size_t>(n), rng), b = random_floats(static_cast<std::size_t>(n), rng);
      CHECK(k->f32(n, a.data(), b.data()) == ref.f32(n, a.data(), b.data()));
    }
  }
}

TEST_CASE("scalar quantized dot products match float dot products of the dequantized rows", "[runtime][kernels]") {
  std::mt19937 rng(11);
  const VecDotKernels& ref = scalar_vec_dot_kernels();
  for (std::int64_t blocks : {1, 9, 33}) {
    const std::int64_t n = blocks * kQK;
    auto x = random_floats(static_cast<std::size_t>(n), rng);
    const auto x8_0 = quantize_as(TensorType::Q8_0, x);
    const auto x8_1 = quantize_as(TensorType::Q8_1, x);
    const auto w4_0 = random_q4<BlockQ4_0>(static_cast<std::size_t>(blocks), rng);
    const auto w4_1 = random_q4<BlockQ4_1>(static_cast<std::size_t>(blocks), rng);
    const float e0 = float_dot(TensorType::Q4_0, w4_0.data(), TensorType::Q8_0, x8_0.data(), n);
    CHECK(ref.q4_0(n, w4_0.data(), x8_0.data()) == Approx(e0).epsilon(1e-4).margin(1e-4));
    // Q8_1's stored sum s is rounded to fp16, so the min term carries that rounding.
    const float e1 = float_dot(TensorType::Q4_1, w4_1.data(), TensorType::Q8_1, x8_1.data(), n);
    CHECK(ref.q4_1(n, w4_1.data(), x8_1.data()) == Approx(e1).epsilon(2e-3).margin(2e-3));
  }
}

TEST_CASE("q8 activation quantization keeps every value within half a step", "[runtime][kernels]") {
  std::mt19937 rng(3);
  auto x = random_floats(31 * kQK, rng);
  const auto q = quantize_as(TensorType::Q8_0, x);
  std::vector<float> back(x.size());
  tensor_type_traits(TensorType::Q8_0).dequantize(q.data(), back.data(), static_cast<std::int64_t>(x.size()));
  for (std::size_t b = 0; b < x.size() / kQK; ++b) {
    float amax = 0;
    for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[b * kQK + j]));
    for (int j = 0; j < kQK; ++j) REQUIRE(std::fabs(back[b * kQK + j] - x[b * kQK + j]) <= amax / 127 * 0.5f + amax * 1e-3f);
  }
}
