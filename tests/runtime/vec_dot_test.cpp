// The SIMD kernels against the scalar references (bit for bit), and the integer GEMM
// against float64 dot products of the dequantized blocks.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/packed_weights.hpp"
#include "runtime/cpu/quantized_activations.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec_dot.hpp"
#include "runtime/half.hpp"
#include "runtime/quant_blocks.hpp"
#include "runtime/quantize.hpp"
#include "runtime/tensor_type.hpp"

using namespace sextant::runtime;

namespace {

std::vector<float> random_floats(std::size_t n, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// A weight matrix of random blocks (Q4 types) or quantized random floats (Q8_0).
struct RandomWeight {
  std::vector<std::uint8_t> bytes;
  WeightMatrix w;
  RandomWeight(TensorType type, std::int64_t rows, std::int64_t cols, std::mt19937& rng) {
    w.type = type;
    w.rows = rows;
    w.cols = cols;
    w.row_bytes = row_bytes(type, cols);
    bytes.resize(w.row_bytes * static_cast<std::size_t>(rows));
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    if (type == TensorType::Q8_0) {
      auto f = random_floats(static_cast<std::size_t>(rows * cols), rng);
      quantize_q8_0(f.data(), bytes.data(), rows * cols);
    } else {
      for (auto& b : bytes) b = static_cast<std::uint8_t>(byte(rng));
      const std::size_t block = tensor_type_traits(type).block_bytes;
      for (std::size_t off = 0; off < bytes.size(); off += block) {
        const std::uint16_t d = float_to_fp16(scale(rng)), m = float_to_fp16(-8 * scale(rng));
        std::memcpy(&bytes[off], &d, 2);
        if (type == TensorType::Q4_1) std::memcpy(&bytes[off + 2], &m, 2);
      }
    }
    w.data = bytes.data();
  }
};

}  // namespace

TEST_CASE("simd gemm kernels equal the scalar reference bit for bit", "[runtime][kernels]") {
  std::mt19937 rng(7);
  ThreadPool pool(1);
  const GemmKernels& ref = scalar_gemm_kernels();
  for (const char* isa : {"avx2", "avx512vnni"}) {
    const GemmKernels* k = gemm_kernels_for(isa);
    if (!k) {
      WARN("skipped " << isa << ": this CPU lacks it");
      continue;
    }
    for (TensorType type : {TensorType::Q8_0, TensorType::Q4_0, TensorType::Q4_1}) {
      for (std::int64_t blocks : {1, 2, 7, 17, 18, 31, 33}) {
        for (std::int64_t tokens : {1, 3, 13, 41}) {
          // 37 rows: two whole groups of 16 and a padded one; 41 tokens: past a 32-token tile
          // and a partial tile of 8. Ranges split inside a group, as the threads get them.
          const std::int64_t rows = tokens == 1 ? 5 : 37;
          INFO(isa << " " << tensor_type_traits(type).name << " blocks " << blocks << " tokens " << tokens << " rows " << rows);
          const std::int64_t cols = blocks * kQK;
          RandomWeight rw(type, rows, cols, rng);
          const auto packed = PackedMatrix::pack(rw.w);
          WeightMatrix wp = rw.w;
          wp.packed = packed.get();
          auto x = random_floats(static_cast<std::size_t>(tokens * cols), rng);
          QuantizedActivations xq;
          quantize_activations(x.data(), tokens, cols, xq, pool);
          std::vector<float> a(static_cast<std::size_t>(tokens * rows)), b(a.size());
          gemm_for(type, ref)(rw.w, 0, rows, xq, a.data(), rows);
          gemm_for(type, *k)(wp, 0, 1, xq, b.data(), rows);
          gemm_for(type, *k)(wp, 1, std::min<std::int64_t>(17, rows), xq, b.data(), rows);
          gemm_for(type, *k)(wp, std::min<std::int64_t>(17, rows), rows, xq, b.data(), rows);
          CHECK(a == b);
        }
      }
    }
  }
}

TEST_CASE("scalar gemm matches float64 dot products of the dequantized values", "[runtime][kernels]") {
  std::mt19937 rng(11);
  ThreadPool pool(1);
  for (TensorType type : {TensorType::Q8_0, TensorType::Q4_0, TensorType::Q4_1}) {
    for (std::int64_t blocks : {1, 9, 33}) {
      const std::int64_t cols = blocks * kQK;
      RandomWeight rw(type, 1, cols, rng);
      auto x = random_floats(static_cast<std::size_t>(cols), rng);
      QuantizedActivations xq;
      quantize_activations(x.data(), 1, cols, xq, pool);
      // The same activation values through the reference Q8_1 quantizer and dequantizer.
      std::vector<std::uint8_t> q81(row_bytes(TensorType::Q8_1, cols));
      quantize_q8_1(x.data(), q81.data(), cols);
      std::vector<float> xf(static_cast<std::size_t>(cols)), wf(xf.size());
      tensor_type_traits(TensorType::Q8_1).dequantize(q81.data(), xf.data(), cols);
      tensor_type_traits(type).dequantize(rw.w.data, wf.data(), cols);
      double expected = 0;
      for (std::int64_t i = 0; i < cols; ++i) expected += static_cast<double>(wf[i]) * xf[i];
      float got = 0;
      gemm_for(type, scalar_gemm_kernels())(rw.w, 0, 1, xq, &got, 1);
      INFO(tensor_type_traits(type).name << " blocks " << blocks);
      // Q4_1's min term uses the block sums rounded through fp16, as llama.cpp's Q8_1 does.
      const double tol = type == TensorType::Q4_1 ? 2e-3 * blocks : 1e-4 * blocks;
      CHECK(got == Approx(expected).margin(tol));
    }
  }
}

TEST_CASE("activation quantization equals the reference Q8_1 quantizer", "[runtime][kernels]") {
  std::mt19937 rng(3);
  ThreadPool pool(2);
  const std::int64_t cols = 31 * kQK;
  auto x = random_floats(static_cast<std::size_t>(2 * cols), rng);
  x[5] = 0.5f * 127 / 127;  // values exactly between two steps exist in real data too
  QuantizedActivations xq;
  quantize_activations(x.data(), 2, cols, xq, pool);
  for (std::int64_t t = 0; t < 2; ++t) {
    std::vector<BlockQ8_1> ref(static_cast<std::size_t>(cols / kQK));
    quantize_q8_1(x.data() + t * cols, ref.data(), cols);
    for (std::int64_t b = 0; b < cols / kQK; ++b) {
      REQUIRE(xq.row_d(t)[b] == fp16_to_float(ref[b].d));
      REQUIRE(xq.row_s(t)[b] == fp16_to_float(ref[b].s));
      for (int j = 0; j < kQK; ++j) REQUIRE(xq.value(t, b, j) == ref[b].qs[j]);
    }
  }
}

TEST_CASE("simd float dot product equals the scalar reference bit for bit", "[runtime][kernels]") {
  std::mt19937 rng(9);
  const VecDotKernels* k = vec_dot_kernels_for("avx2");
  if (!k) {
    WARN("skipped: this CPU lacks AVX2");
    return;
  }
  for (std::int64_t n : {1, 7, 8, 31, 33, 255, 576}) {
    auto a = random_floats(static_cast<std::size_t>(n), rng), b = random_floats(static_cast<std::size_t>(n), rng);
    CHECK(k->f32(n, a.data(), b.data()) == scalar_vec_dot_kernels().f32(n, a.data(), b.data()));
  }
}
