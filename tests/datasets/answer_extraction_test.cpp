// Answer extractors against the lm-eval and OpenCompass post-processors (scripts/gen/extraction_goldens.py).
#include "datasets/answer_extraction.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "datasets/option_letter.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using namespace sextant::datasets;

namespace {

nlohmann::json extraction_goldens() {
  return nlohmann::json::parse(
      sextant::testing::read_all(sextant::testing::fixture("datasets/extraction_goldens.json")));
}

std::optional<std::string> optional_of(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<std::string>();
}

}  // namespace

TEST_CASE("answer extractors agree with the reference post-processors on every golden output", "[datasets]") {
  const auto goldens = extraction_goldens();
  REQUIRE(goldens["rows"].size() >= 40);
  for (const auto& row : goldens["rows"]) {
    const std::string output = row["output"];
    const int n_options = row["n_options"];
    INFO("output: " << output << "\nn_options: " << n_options);
    REQUIRE(row["expected"].size() == answer_extractor_names().size());
    for (const auto& name : answer_extractor_names()) {
      INFO("extractor: " << name);
      CHECK(extract_answer(name, output, n_options) == optional_of(row["expected"].at(name)));
    }
  }
}

TEST_CASE("an unknown extractor is a usage error that lists the known ones", "[datasets]") {
  CHECK_THROWS_AS(extract_answer("first_word", "x"), sextant::UsageError);
  CHECK_THROWS_WITH(extract_answer("first_word", "x"),
                    Catch::Contains("first_word") && Catch::Contains("first_line, option_letter, last_number"));
  CHECK_THROWS_AS(extract_answer("option_letter", "A", 0), sextant::Error);
  CHECK_THROWS_AS(extract_answer("option_letter", "A", 27), sextant::Error);
  CHECK(extract_answer("option_letter", "The answer is Z", 26) == "Z");
}

TEST_CASE("option letter extraction stays linear on long outputs and odd bytes", "[datasets]") {
  std::string long_output;
  for (int i = 0; i < 5000; ++i) long_output += "think more, ";
  CHECK(first_option_letter(long_output + "so the answer is (C) here", 4) == 'C');
  CHECK(first_option_letter(long_output, 4) == std::nullopt);
  CHECK(first_option_letter("\xff\xfe answer: B", 4) == 'B');
  CHECK(first_option_letter(std::string("B\0C", 3), 4) == 'B');
}

TEST_CASE("numbers compare as decimals without commas and dollar signs", "[datasets]") {
  CHECK(numbers_equal("18", "18.0"));
  CHECK(numbers_equal("$18", "18"));
  CHECK(numbers_equal("018.", "18"));
  CHECK(numbers_equal("1,234.50", "1234.5"));
  CHECK(numbers_equal(" -0.0 ", "0"));
  CHECK(numbers_equal(".25", "0.25"));
  CHECK(numbers_equal("+7", "7"));
  CHECK_FALSE(numbers_equal("18", "-18"));
  CHECK_FALSE(numbers_equal("18", "180"));
  CHECK_FALSE(numbers_equal("1.2.3", "1.2.3"));
  CHECK_FALSE(numbers_equal("twelve", "twelve"));
  CHECK_FALSE(numbers_equal("", ""));
  CHECK_FALSE(numbers_equal("1e3", "1000"));
}

TEST_CASE("the gsm8k strict extractor reads the reference number of every GSM8K test answer", "[datasets][data]") {
  SEXTANT_REQUIRE_DATA(data);
  std::ifstream in(data + "/gsm8k/test.jsonl");
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::string answer = nlohmann::json::parse(line)["answer"];
    const auto number = extract_answer("gsm8k_strict", answer);
    INFO("answer: " << answer);
    REQUIRE(number);
    // lm-eval's exact_match keeps the text after the last "#### ", without ',' '$' and a final '.'.
    std::string reference;
    for (char c : answer.substr(answer.rfind("#### ") + 5)) {
      if (c != ',' && c != '$') reference.push_back(c);
    }
    CHECK(*number == reference);
    CHECK(numbers_equal(*number, reference));
    ++rows;
  }
  CHECK(rows == 1319);
}
