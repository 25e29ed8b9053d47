// The trainer's bfloat16 GEMM: rounding as IEEE round-to-nearest-even to bfloat16, the
// AVX512-BF16 kernel and the emulation equal to the scalar reference bit for bit, and the
// products those of the rounded operands.
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/cpu/thread_pool.hpp"
#include "tests/random_floats.hpp"
#include "trainer/kernels/bf16_gemm.hpp"

using namespace sextant::trainer;

namespace {

float from_bits(std::uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

using sextant::testing::random_floats;

// How A and B are stored: A (m, k) row-major or transposed, or with every other column;
// B (k, n) row-major or read from a (n, k) weight.
enum class Layout { plain, a_transposed, b_transposed, both_transposed, a_strided };

struct Product {
  std::int64_t m, n, k;
  Layout layout;
  bool accumulate;
};

enum class Path { scalar, fast, emulated };

std::vector<float> compute(const Product& p, Path path, int threads) {
  const bool at = p.layout == Layout::a_transposed || p.layout == Layout::both_transposed;
  const bool bt = p.layout == Layout::b_transposed || p.layout == Layout::both_transposed;
  const bool strided = p.layout == Layout::a_strided;
  const auto a = random_floats(static_cast<std::size_t>(p.m * p.k * (strided ? 2 : 1)), 1);
  const auto b = random_floats(static_cast<std::size_t>(p.k * p.n), 2);
  auto c = random_floats(static_cast<std::size_t>(p.m * p.n), 3);
  GemmOperands g;
  g.m = p.m, g.n = p.n, g.k = p.k;
  g.a = a.data();
  g.a_row_stride = at ? 1 : p.k * (strided ? 2 : 1);
  g.a_col_stride = at ? p.m : (strided ? 2 : 1);
  g.b = b.data();
  g.ldb = bt ? 1 : p.n;
  g.b_col_stride = bt ? p.k : 1;
  g.c = c.data(), g.ldc = p.n;
  g.accumulate = p.accumulate;
  sextant::runtime::ThreadPool pool(threads);
  if (path == Path::scalar) {
    gemm_bf16_scalar(g);
  } else {
    const bool previous = gemm_bf16_force_emulation(path == Path::emulated);
    gemm_bf16(g, pool);
    gemm_bf16_force_emulation(previous);
  }
  return c;
}

}  // namespace

TEST_CASE("bf16 rounding is round-to-nearest-even on the upper half", "[trainer][gemm]") {
  CHECK(float_to_bf16(1.0f) == 0x3f80);
  CHECK(float_to_bf16(-2.0f) == 0xc000);
  CHECK(float_to_bf16(from_bits(0x3f808000u)) == 0x3f80);  // tie, even below
  CHECK(float_to_bf16(from_bits(0x3f818000u)) == 0x3f82);  // tie, even above
  CHECK(float_to_bf16(from_bits(0x3f808001u)) == 0x3f81);  // above the tie
  CHECK(float_to_bf16(from_bits(0x3f807fffu)) == 0x3f80);  // below the tie
  CHECK(float_to_bf16(from_bits(0x7f7fffffu)) == 0x7f80);  // the largest float rounds to infinity
  CHECK(float_to_bf16(from_bits(0x00000001u)) == 0x0000);  // denormals become zero
  CHECK(float_to_bf16(from_bits(0x80400000u)) == 0x8000);
  CHECK(float_to_bf16(from_bits(0x7f800001u)) == 0x7fc0);  // a signalling NaN stays a NaN
  CHECK(bf16_to_float(0x3f80) == 1.0f);
}

TEST_CASE("bf16 gemm: the AVX512-BF16 kernel and the emulation equal the scalar reference bit for bit",
          "[trainer][gemm]") {
  INFO("kernel on this CPU: " << gemm_bf16_isa());
  if (std::string(gemm_bf16_isa()) != "avx512bf16")
    WARN("no AVX512-BF16 on this CPU: the fast path is the emulation, the instruction goes untested");
  for (std::int64_t m : {1, 7, 9, 33, 70})
    for (std::int64_t n : {1, 15, 16, 17, 33, 300})
      for (std::int64_t k : {1, 2, 7, 64, 259})
        for (Layout layout : {Layout::plain, Layout::a_transposed, Layout::b_transposed, Layout::both_transposed,
                              Layout::a_strided})
          for (bool accumulate : {false, true}) {
            const Product p{m, n, k, layout, accumulate};
            INFO("m " << m << " n " << n << " k " << k << " layout " << static_cast<int>(layout) << " accumulate "
                      << accumulate);
            const auto reference = compute(p, Path::scalar, 1);
            REQUIRE(compute(p, Path::fast, 2) == reference);
            REQUIRE(compute(p, Path::emulated, 1) == reference);
          }
}

TEST_CASE("bf16 gemm computes the product of the rounded operands", "[trainer][gemm]") {
  const std::int64_t m = 6, n = 21, k = 13;
  const auto a = random_floats(static_cast<std::size_t>(m * k), 1);
  const auto b = random_floats(static_cast<std::size_t>(k * n), 2);
  const auto c0 = random_floats(static_cast<std::size_t>(m * n), 3);
  const auto c = compute({m, n, k, Layout::plain, true}, Path::fast, 2);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double want = c0[i * n + j];
      double unrounded = want;
      for (std::int64_t p = 0; p < k; ++p) {
        want += static_cast<double>(bf16_to_float(float_to_bf16(a[i * k + p]))) * bf16_to_float(float_to_bf16(b[p * n + j]));
        unrounded += static_cast<double>(a[i * k + p]) * b[p * n + j];
      }
      CHECK(c[i * n + j] == Approx(want).margin(1e-5));
      CHECK(c[i * n + j] == Approx(unrounded).margin(0.05));  // bf16 keeps 8 bits
    }
}
