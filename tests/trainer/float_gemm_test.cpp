// The trainer's float GEMM: SIMD tiles equal the scalar reference bit for bit, at odd sizes and any thread count.
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "runtime/cpu/thread_pool.hpp"
#include "tests/random_floats.hpp"
#include "trainer/kernels/float_gemm.hpp"

using namespace sextant::trainer;

namespace {

using sextant::testing::random_floats;

// C of (m, n) = A · B with A stored transposed or not, through gemm() on `threads` threads.
std::vector<float> product(std::int64_t m, std::int64_t n, std::int64_t k, bool a_transposed, bool accumulate,
                           const char* isa, int threads) {
  const auto a = random_floats(static_cast<std::size_t>(m * k), 1);
  const auto b = random_floats(static_cast<std::size_t>(k * n), 2);
  auto c = random_floats(static_cast<std::size_t>(m * n), 3);
  GemmOperands g;
  g.m = m, g.n = n, g.k = k;
  g.a = a.data();
  g.a_row_stride = a_transposed ? 1 : k;
  g.a_col_stride = a_transposed ? m : 1;
  g.b = b.data(), g.ldb = n;
  g.c = c.data(), g.ldc = n;
  g.accumulate = accumulate;
  sextant::runtime::ThreadPool pool(threads);
  const char* previous = gemm_limit_isa(isa);
  gemm(g, pool);
  gemm_limit_isa(previous);
  return c;
}

}  // namespace

TEST_CASE("float gemm: the SIMD kernels equal the scalar reference bit for bit", "[trainer][gemm]") {
  INFO("best kernel on this CPU: " << gemm_isa());
  for (std::int64_t m : {1, 3, 4, 31, 33, 70})
    for (std::int64_t n : {1, 15, 16, 17, 33, 255, 300})
      for (std::int64_t k : {1, 7, 64, 129})
        for (bool transposed : {false, true})
          for (bool accumulate : {false, true}) {
            INFO("m " << m << " n " << n << " k " << k << " transposed " << transposed << " accumulate " << accumulate);
            const auto reference = product(m, n, k, transposed, accumulate, "scalar", 1);
            REQUIRE(product(m, n, k, transposed, accumulate, "avx2", 2) == reference);
            REQUIRE(product(m, n, k, transposed, accumulate, "avx512", 2) == reference);
          }
}

TEST_CASE("float gemm computes A times B, plus C when accumulating", "[trainer][gemm]") {
  const std::int64_t m = 5, n = 19, k = 11;
  const auto a = random_floats(static_cast<std::size_t>(m * k), 1);
  const auto b = random_floats(static_cast<std::size_t>(k * n), 2);
  const auto c0 = random_floats(static_cast<std::size_t>(m * n), 3);
  const auto c = product(m, n, k, false, true, "avx512", 2);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double want = c0[i * n + j];
      for (std::int64_t p = 0; p < k; ++p) want += static_cast<double>(a[i * k + p]) * b[p * n + j];
      CHECK(c[i * n + j] == Approx(want).margin(1e-5));
    }
}
