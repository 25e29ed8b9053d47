// UTF-8 decoding against Python's bytes.decode("utf-8", "replace").
#include "metrics/utf8.hpp"

#include <catch2/catch.hpp>

#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;

namespace {

std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

}  // namespace

TEST_CASE("utf8 decoding replaces each maximal ill-formed subsequence by one U+FFFD as Python does",
          "[metrics][utf8]") {
  for (const auto& row : metric_goldens()["utf8"]) {
    const std::string hex = row["hex"];
    INFO("bytes " << hex);
    const std::u32string decoded = decode_utf8(from_hex(hex));
    const auto expected = row["code_points"].get<std::vector<std::uint32_t>>();
    CHECK(std::vector<std::uint32_t>(decoded.begin(), decoded.end()) == expected);
  }
}

TEST_CASE("utf8 encoding round-trips valid text and replaces surrogates", "[metrics][utf8]") {
  const std::string text = "h\xc3\xa9llo \xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x98\x80";
  CHECK(encode_utf8(decode_utf8(text)) == text);
  CHECK(encode_utf8(std::u32string{0xD800, U'a', 0x110000}) ==
        "\xef\xbf\xbd"
        "a\xef\xbf\xbd");
}
