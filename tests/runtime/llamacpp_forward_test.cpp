// The emulation of llama.cpp's arithmetic (runtime/compat/) against llama.cpp's own logits on
// the real model (Q4_1) and on a tiny llama exported at f32, f16 and q8_0
// (scripts/gen/llamacpp_logits_goldens.py), and its plain functions against their definitions.
#include "runtime/compat/llamacpp_forward.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/compat/llamacpp_numerics.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/model/transformer.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"
#include "trainer/checkpoint/gguf_export.hpp"

using namespace sextant::runtime;
using sextant::testing::fixture;
using sextant::testing::read_all;

namespace {

// Largest |ours - llama.cpp| over the goldens' ten best logits of every position, and how
// many positions' llama.cpp best token is also ours.
struct Agreement {
  double max_diff = 0.0;
  int top1 = 0, positions = 0;
};
Agreement agreement(const nlohmann::json& golden, const std::vector<float>& logits, std::int64_t vocab) {
  Agreement a;
  for (std::size_t t = 0; t < golden["top"].size(); ++t) {
    const float* row = logits.data() + static_cast<std::int64_t>(t) * vocab;
    for (const auto& entry : golden["top"][t])
      a.max_diff =
          std::max(a.max_diff, std::fabs(static_cast<double>(row[entry[0].get<int>()]) - entry[1].get<float>()));
    const float best = *std::max_element(row, row + vocab);
    a.top1 += row[golden["top"][t][0][0].get<int>()] >= best;
    ++a.positions;
  }
  return a;
}

// The golden's tokens through llama.cpp's arithmetic, and through Sextant's own forward pass
// in one batch.
Agreement emulated_agreement(const Model& model, const nlohmann::json& golden, ThreadPool& pool) {
  std::vector<float> logits;
  llamacpp_forward(model, golden["tokens"].get<std::vector<TokenId>>(), logits, pool);
  return agreement(golden, logits, model.config().n_vocab);
}
Agreement own_agreement(const Model& model, const nlohmann::json& golden, ThreadPool& pool) {
  const auto tokens = golden["tokens"].get<std::vector<TokenId>>();
  KvCache cache(model.config());
  ForwardBatch batch;
  for (std::size_t i = 0; i < tokens.size(); ++i) batch.add(tokens[i], static_cast<std::int32_t>(i), &cache, true);
  std::vector<float> logits;
  forward(model, batch, logits, pool);
  return agreement(golden, logits, model.config().n_vocab);
}

}  // namespace

TEST_CASE("llama.cpp's arithmetic reproduces llama.cpp's logits on the real model", "[llamacpp][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  if (std::filesystem::path(path).filename() != "SmolLM2-135M-Instruct.Q4_1.gguf") {
    WARN("skipped: the goldens are SmolLM2-135M-Instruct.Q4_1.gguf's, not " << path);
    return;
  }
  const auto model = Model::load(path);
  REQUIRE(llamacpp_forward_unsupported(*model).empty());
  const auto golden = nlohmann::json::parse(read_all(fixture("llamacpp/smollm2_q4_1_logits.json")));
  ThreadPool pool(2);

  const Agreement e = emulated_agreement(*model, golden, pool);
  // Every step matches to the bit, the output head's too.
  CHECK(e.max_diff == 0.0);
  CHECK(e.top1 == e.positions);

  // Sextant's own kernels round differently: the same model, logits apart by 8-bit rounding
  // noise. (So the check above is one the own kernels would fail.)
  const Agreement o = own_agreement(*model, golden, pool);
  INFO("own kernels: max |diff| " << o.max_diff << ", top-1 " << o.top1 << " of " << o.positions);
  CHECK(o.max_diff > 1e-3);
  CHECK(o.max_diff < 3.0);
  CHECK(o.top1 >= o.positions * 9 / 10);
}

TEST_CASE("llama.cpp's arithmetic reproduces llama.cpp on float, fp16 and Q8_0 weights and llama3 rope", "[llamacpp]") {
  using sextant::trainer::GgufExportType;
  struct Case {
    const char* fixture;
    GgufExportType type;
    const char* golden;
  };
  const Case c = GENERATE(Case{"llama_f32_tied", GgufExportType::F32, "tiny_llama_f32"},
                          Case{"llama_f32_tied", GgufExportType::F16, "tiny_llama_f16"},
                          Case{"llama_f32_tied", GgufExportType::Q8_0, "tiny_llama_q8_0"},
                          Case{"llama_llama3_rope", GgufExportType::F32, "tiny_llama3_rope_f32"});
  INFO(c.golden);
  const std::string gguf =
      (sextant::testing::fresh_temp_dir("llamacpp_tiny") / fmt::format("{}.gguf", c.golden)).string();
  sextant::trainer::export_gguf(fixture(std::string("hf/") + c.fixture), gguf, c.type);
  const auto model = Model::load(gguf);
  REQUIRE(llamacpp_forward_unsupported(*model).empty());
  const auto golden = nlohmann::json::parse(read_all(fixture(fmt::format("llamacpp/{}_logits.json", c.golden))));
  ThreadPool pool(2);
  const Agreement a = emulated_agreement(*model, golden, pool);
  CHECK(a.max_diff == 0.0);
  CHECK(a.top1 == a.positions);
}

TEST_CASE(
    "qwen2 and internlm2 GGUFs written by llama.cpp's converter: llama.cpp's logits, to the bit and by the own kernels",
    "[llamacpp]") {
  // tests/fixtures/gguf/{qwen2,internlm2}_tiny_f16.gguf are hf/qwen2_f32_sharded (biases,
  // halves-style rope) and hf/internlm2_f16 (wqkv split and permuted by the converter) through
  // convert_hf_to_gguf.py (scripts/gen/converted_gguf_fixtures.py), both with linear rope scaling x2.
  const std::string name = GENERATE(std::string("qwen2_tiny_f16"), std::string("internlm2_tiny_f16"));
  INFO(name);
  const auto model = Model::load(fixture("gguf/" + name + ".gguf"));
  const ModelConfig& c = model->config();
  CHECK(c.arch == (name == "qwen2_tiny_f16" ? Architecture::Qwen2 : Architecture::InternLm2));
  CHECK(c.rope_style == (name == "qwen2_tiny_f16" ? RopeStyle::Halves : RopeStyle::Adjacent));
  CHECK(c.rope_linear_factor == 2.0);
  REQUIRE(llamacpp_forward_unsupported(*model).empty());
  const auto golden = nlohmann::json::parse(read_all(fixture("llamacpp/" + name + "_logits.json")));
  ThreadPool pool(2);
  const Agreement e = emulated_agreement(*model, golden, pool);
  CHECK(e.max_diff == 0.0);
  CHECK(e.top1 == e.positions);

  // The own kernels (fp16 keys and values too, another order of sums): close, not equal.
  const Agreement o = own_agreement(*model, golden, pool);
  INFO("own kernels: max |diff| " << o.max_diff);
  CHECK(o.max_diff > 0.0);
  CHECK(o.max_diff < 2e-2);
}

TEST_CASE("llama.cpp's arithmetic refuses what it does not emulate, naming it", "[llamacpp]") {
  ThreadPool pool(1);
  std::vector<float> logits;
  // Hugging Face folders (InternLM2's packed wqkv among them) are not what llama.cpp runs.
  const auto internlm2 = Model::load(fixture("hf/internlm2_f16"));
  CHECK(llamacpp_forward_unsupported(*internlm2).find("Hugging Face") != std::string::npos);
  CHECK_THROWS_AS(llamacpp_forward(*internlm2, {1, 2, 3}, logits, pool), sextant::Error);
  // A Hugging Face llama: its own q / k row order and rope pairing.
  const auto hf = Model::load(fixture("hf/llama_f32_tied"));
  CHECK(llamacpp_forward_unsupported(*hf).find("Hugging Face") != std::string::npos);
  // One token: llama.cpp's fp16 products take another kernel then.
  const std::string gguf = (sextant::testing::fresh_temp_dir("llamacpp_one") / "tiny.gguf").string();
  sextant::trainer::export_gguf(fixture("hf/llama_f32_tied"), gguf, sextant::trainer::GgufExportType::F16);
  const auto tiny = Model::load(gguf);
  REQUIRE(llamacpp_forward_unsupported(*tiny).empty());
  CHECK_THROWS_WITH(llamacpp_forward(*tiny, {1}, logits, pool), Catch::Contains("two or more tokens"));
  CHECK_NOTHROW(llamacpp_forward(*tiny, {1, 2}, logits, pool));
}

TEST_CASE("ggml's vectorized expf stays within its stated error of exp", "[llamacpp]") {
  // The algorithm's stated bound is 1.45 ulp + 0.5 ulp of rounding (measured against the
  // ulp above the exact value, up to 2.2 near powers of two).
  for (float x = -87.0f; x < 88.0f; x += 0.0137f) {
    const double exact = std::exp(static_cast<double>(x));
    const float got = llamacpp::simd_expf(x);
    const double ulp =
        std::nextafter(static_cast<float>(exact), std::numeric_limits<float>::infinity()) - static_cast<float>(exact);
    REQUIRE(std::fabs(got - exact) <= 2.5 * ulp);
  }
  CHECK(llamacpp::simd_expf(-std::numeric_limits<float>::infinity()) == 0.0f);
  CHECK(llamacpp::simd_expf(-200.0f) == 0.0f);
  CHECK(std::isinf(llamacpp::simd_expf(200.0f)));
  CHECK(llamacpp::simd_silu(0.0f) == 0.0f);
}

TEST_CASE("reduce_add_16 adds halves, then quarters, then pairs of pairs", "[llamacpp]") {
  // 2^24 + 1 rounds to 2^24 while 2^24 - 1 is exact: which terms meet first decides the sum.
  const float big = 16777216.0f;
  auto sum = [](std::initializer_list<std::pair<int, float>> set) {
    float lanes[16] = {};
    for (auto [i, v] : set) lanes[i] = v;
    return llamacpp::reduce_add_16(lanes);
  };
  // Lanes i and i + 8 cancel first: 2. In lane order (or adjacent pairs first) big absorbs
  // both ones before -big cancels it: 0.
  CHECK(sum({{0, big}, {8, -big}, {1, 1.0f}, {2, 1.0f}}) == 2.0f);
  // Then i and i + 4: 2; halves first and then adjacent lanes would give 1.
  CHECK(sum({{0, big}, {4, -big}, {1, 1.0f}, {5, 1.0f}}) == 2.0f);
  // Last, (q0 + q2) + (q1 + q3): 2; (q0 + q1) + (q2 + q3) gives big + (1 - big) = 1.
  CHECK(sum({{0, big}, {2, -big}, {1, 1.0f}, {3, 1.0f}}) == 2.0f);
}
