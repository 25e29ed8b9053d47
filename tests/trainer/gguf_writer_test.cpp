// The GGUF writer against the runtime's reader: every value type, aligned tensor data, and the inputs it refuses.
#include "trainer/checkpoint/gguf_writer.hpp"

#include <catch2/catch.hpp>
#include <cstring>

#include "core/error.hpp"
#include "runtime/formats/gguf_reader.hpp"
#include "runtime/quant_blocks.hpp"
#include "runtime/tensor_type.hpp"
#include "tests/test_files.hpp"

using sextant::runtime::GgufFile;
using sextant::runtime::GgufValueType;
using sextant::runtime::TensorType;
using sextant::trainer::GgufWriter;

namespace {

std::string float_bytes(const std::vector<float>& x) {
  std::string s(x.size() * sizeof(float), '\0');
  std::memcpy(s.data(), x.data(), s.size());
  return s;
}

}  // namespace

TEST_CASE("gguf writer output reads back through the runtime's reader with every value type", "[trainer][gguf]") {
  GgufWriter w;
  w.add_uint32("test.u32", 4000000000u);
  w.add_int32("test.i32", -7);
  w.add_float32("test.f32", 1e-5f);
  w.add_bool("test.yes", true);
  w.add_bool("test.no", false);
  w.add_string("test.text", "llama \xe4\xb8\xad");
  w.add_string_array("test.strings", {"a b", "", "\xc4\xa0the"});
  w.add_int32_array("test.ints", {1, -2, 3});
  w.add_float32_array("test.floats", {0.5f, -1.25f});
  // Three rows of 3 floats (36 bytes: the next tensor starts at 64), then one Q8_0 row of 64.
  std::vector<float> matrix = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  w.add_tensor("m.weight", {3, 3}, TensorType::F32, float_bytes(matrix));
  std::string q(2 * sizeof(sextant::runtime::BlockQ8_0), '\x11');
  w.add_tensor("q.weight", {64}, TensorType::Q8_0, q);
  REQUIRE(w.tensor_count() == 2);

  const std::string bytes = w.bytes();
  CHECK(bytes.size() % 32 == 0);
  const GgufFile f(sextant::testing::write_temp("sextant_gguf_writer_test.gguf", bytes));
  CHECK(f.version() == 3);
  CHECK(f.alignment() == 32);
  CHECK(f.value("general.alignment").type == GgufValueType::UInt32);
  CHECK(f.value("test.u32").type == GgufValueType::UInt32);
  CHECK(f.get_uint("test.u32") == 4000000000u);
  CHECK(f.value("test.i32").type == GgufValueType::Int32);
  CHECK(f.value("test.i32").i == -7);
  CHECK(f.value("test.f32").type == GgufValueType::Float32);
  CHECK(static_cast<float>(f.get_float("test.f32")) == 1e-5f);
  CHECK(f.get_bool("test.yes", false));
  CHECK_FALSE(f.get_bool("test.no", true));
  CHECK(f.get_string("test.text") == "llama \xe4\xb8\xad");
  CHECK(f.get_string_array("test.strings") == std::vector<std::string>{"a b", "", "\xc4\xa0the"});
  CHECK(f.value("test.ints").element_type == GgufValueType::Int32);
  CHECK(f.get_int_array("test.ints") == std::vector<std::int64_t>{1, -2, 3});
  CHECK(f.value("test.floats").element_type == GgufValueType::Float32);
  CHECK(f.get_float_array("test.floats") == std::vector<double>{0.5, -1.25});

  const auto& m = f.tensor("m.weight");
  CHECK(m.ne == std::vector<std::int64_t>{3, 3});
  CHECK(m.type == TensorType::F32);
  CHECK(m.offset == 0);
  CHECK(std::memcmp(m.data, matrix.data(), 36) == 0);
  const auto& qt = f.tensor("q.weight");
  CHECK(qt.type == TensorType::Q8_0);
  CHECK(qt.offset == 64);
  CHECK(std::memcmp(qt.data, q.data(), q.size()) == 0);
}

TEST_CASE("gguf writer refuses repeated names, partial blocks and data of the wrong size", "[trainer][gguf]") {
  GgufWriter w;
  CHECK_THROWS_WITH(w.add_uint32("general.alignment", 64), Catch::Contains("general.alignment is added twice"));
  w.add_tensor("a", {2}, TensorType::F32, float_bytes({1, 2}));
  CHECK_THROWS_WITH(w.add_tensor("a", {2}, TensorType::F32, float_bytes({1, 2})),
                    Catch::Contains("tensor a is added twice"));
  CHECK_THROWS_WITH(w.add_tensor("b", {48, 2}, TensorType::Q8_0, std::string(102, '\0')),
                    Catch::Contains("not whole Q8_0 blocks of 32"));
  CHECK_THROWS_WITH(w.add_tensor("c", {3}, TensorType::F32, float_bytes({1, 2})), Catch::Contains("8 bytes of data"));
  CHECK_THROWS_WITH(w.add_tensor(std::string(64, 'x'), {2}, TensorType::F32, float_bytes({1, 2})),
                    Catch::Contains("1 to 63 bytes"));
  CHECK_THROWS_AS(GgufWriter(24), sextant::Error);
}
