// The GGUF reader against a file and values made by the reference `gguf` package.
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/formats/gguf_reader.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using sextant::testing::read_all;
using sextant::testing::write_temp;

using namespace sextant::runtime;
using sextant::testing::fixture;

TEST_CASE("gguf reader reads every metadata value type", "[runtime][gguf]") {
  GgufFile f(fixture("gguf/all_types.gguf"));
  CHECK(f.version() == 3);
  CHECK(f.get_uint("test.u8") == 200);
  CHECK(f.value("test.i8").i == -100);
  CHECK(f.get_uint("test.u16") == 60000);
  CHECK(f.value("test.i16").i == -30000);
  CHECK(f.get_uint("test.u32") == 4000000000u);
  CHECK(f.value("test.i32").i == -2000000000);
  CHECK(f.get_float("test.f32") == 0.15625);
  CHECK(f.get_uint("test.u64") == 18000000000000000000ull);
  CHECK(f.value("test.i64").i == -9000000000000000000ll);
  CHECK(f.get_float("test.f64") == 2.718281828459045);
  CHECK(f.get_bool("test.bool", false));
  CHECK(f.get_string("test.string") == "h\xc3\xa9llo w\xc3\xb6rld \xe4\xbd\xa0\xe5\xa5\xbd");
  CHECK(f.get_int_array("test.array_i32") == std::vector<std::int64_t>{1, -2, 3});
  CHECK(f.get_string_array("test.array_str") == std::vector<std::string>{"a", "bc", ""});
  CHECK(f.get_string("general.architecture") == "llama");
}

TEST_CASE("gguf tensors of every type dequantize to the reference values", "[runtime][gguf]") {
  GgufFile f(fixture("gguf/all_types.gguf"));
  const auto expected = nlohmann::json::parse(read_all(fixture("gguf/all_types.expected.json")));
  const int rows = expected["rows"], cols = expected["cols"];
  for (const auto& [name, values] : expected["values"].items()) {
    INFO("type " << name);
    const GgufTensor& t = f.tensor("t." + name);
    REQUIRE(t.ne == std::vector<std::int64_t>{cols, rows});
    REQUIRE(tensor_type_traits(t.type).name == name);
    std::vector<float> out(static_cast<std::size_t>(rows * cols));
    tensor_type_traits(t.type).dequantize(t.data, out.data(), rows * cols);
    for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == values[i].get<float>());
  }
}

TEST_CASE("gguf reader rejects a truncated file naming the tensor", "[runtime][gguf]") {
  const std::string bytes = read_all(fixture("gguf/all_types.gguf"));
  const auto path = write_temp("sextant_truncated.gguf", bytes.substr(0, bytes.size() - 100));
  REQUIRE_THROWS_WITH(GgufFile(path), Catch::Contains("sextant_truncated.gguf") && Catch::Contains("t.Q6_K") &&
                                          Catch::Contains("truncated"));
  for (std::size_t cut : {0ul, 3ul, 10ul, 30ul, 200ul}) {
    const auto p = write_temp("sextant_cut.gguf", bytes.substr(0, cut));
    CHECK_THROWS_AS(GgufFile(p), sextant::Error);
  }
}

TEST_CASE("gguf reader rejects bad magic, version and tensor type", "[runtime][gguf]") {
  std::string bytes = read_all(fixture("gguf/all_types.gguf"));
  std::string bad = bytes;
  bad[0] = 'X';
  CHECK_THROWS_WITH(GgufFile(write_temp("sextant_magic.gguf", bad)), Catch::Contains("not a GGUF file"));
  bad = bytes;
  bad[4] = 1;
  CHECK_THROWS_WITH(GgufFile(write_temp("sextant_v1.gguf", bad)), Catch::Contains("version 1"));
  // The first tensor's type field: find its name, skip n_dims and two dims.
  bad = bytes;
  const auto at = bad.find("t.F32");
  REQUIRE(at != std::string::npos);
  const std::size_t type_pos = at + 5 + 4 + 8 + 8;
  const std::uint32_t unknown = 77;
  std::memcpy(&bad[type_pos], &unknown, 4);
  CHECK_THROWS_WITH(GgufFile(write_temp("sextant_type.gguf", bad)),
                    Catch::Contains("t.F32") && Catch::Contains("unsupported tensor type id 77"));
}

TEST_CASE("gguf typed accessors name the key on a type mismatch", "[runtime][gguf]") {
  GgufFile f(fixture("gguf/all_types.gguf"));
  CHECK_THROWS_WITH(f.get_string("test.u8"), Catch::Contains("test.u8") && Catch::Contains("expected a string"));
  CHECK_THROWS_WITH(f.get_uint("no.such.key"), Catch::Contains("no.such.key") && Catch::Contains("missing"));
}

TEST_CASE("gguf reader reads version 2 files, which share version 3's layout", "[runtime][gguf]") {
  std::string bytes = read_all(fixture("gguf/all_types.gguf"));
  bytes[4] = 2;
  const GgufFile f(write_temp("sextant_v2.gguf", bytes));
  CHECK(f.version() == 2);
  CHECK(f.get_string("test.string") == "h\xc3\xa9llo w\xc3\xb6rld \xe4\xbd\xa0\xe5\xa5\xbd");
  CHECK(f.tensors().size() == 9);
}
