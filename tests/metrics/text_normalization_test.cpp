// Python's lower/split/rstrip and SQuAD's answer normalisation against the Python references.
#include "metrics/text_normalization.hpp"

#include <catch2/catch.hpp>

#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;

TEST_CASE("lowercase matches str.lower including final sigma, dotted I and Kelvin sign", "[metrics][text]") {
  for (const auto& row : metric_goldens()["texts"]) {
    const std::string text = row["text"];
    INFO("text: " << text);
    CHECK(lowercase(text) == row["lower"].get<std::string>());
  }
  CHECK(lowercase("\xce\x9f\xce\x94\xce\x9f\xce\xa3") == "\xce\xbf\xce\xb4\xce\xbf\xcf\x82");  // ΟΔΟΣ -> οδος
}

TEST_CASE("split_whitespace and strip_trailing_whitespace use Python's Unicode whitespace", "[metrics][text]") {
  for (const auto& row : metric_goldens()["texts"]) {
    const std::string text = row["text"];
    INFO("text: " << text);
    CHECK(split_whitespace(text) == row["split"].get<std::vector<std::string>>());
    CHECK(strip_trailing_whitespace(text) == row["rstrip"].get<std::string>());
  }
}

TEST_CASE("normalize_answer matches the SQuAD v1.1 evaluation script", "[metrics][text][squad]") {
  for (const auto& row : metric_goldens()["texts"]) {
    const std::string text = row["text"];
    INFO("text: " << text);
    CHECK(normalize_answer(text) == row["normalized"].get<std::string>());
  }
  CHECK(normalize_answer("  The Denver  Broncos! ") == "denver broncos");
  CHECK(normalize_answer("an_apple") == "anapple");
}
