// sacrebleu's 13a tokenizer against sacrebleu itself.
#include "metrics/tokenizer_13a.hpp"

#include <catch2/catch.hpp>

#include "metrics/text_normalization.hpp"
#include "tests/metrics/goldens.hpp"

using namespace sextant::metrics;
using sextant::testing::metric_goldens;

TEST_CASE("13a tokenizer matches sacrebleu on punctuation, numbers, entities and unicode", "[metrics][bleu][13a]") {
  for (const auto& row : metric_goldens()["texts"]) {
    const std::string text = row["text"];
    INFO("text: " << text);
    // The goldens tokenize text.rstrip(), as BLEU does before tokenizing.
    CHECK(tokenize_13a(strip_trailing_whitespace(text)) == row["tokens_13a"].get<std::string>());
  }
  CHECK(tokenize_13a("Hello, world! 3.14 and 1,000.") == "Hello , world ! 3.14 and 1,000 .");
}
