// Word splitting for the data filters: Python's str.split on spaced text, one word per CJK character.
#include "trainer/data/text_words.hpp"

#include <catch2/catch.hpp>

#include "metrics/utf8.hpp"

using namespace sextant::trainer;

namespace {

std::vector<std::string> words_of(const std::string& utf8) {
  const std::u32string text = sextant::metrics::decode_utf8(utf8);
  std::vector<std::string> out;
  for (const Word& w : split_words(text)) out.push_back(sextant::metrics::encode_utf8(text.substr(w.begin, w.length)));
  return out;
}

}  // namespace

TEST_CASE("split_words splits on every whitespace str.split splits on", "[trainer]") {
  // Tab, newline, U+001C (a separator Python counts as space), no-break space, ideographic space.
  CHECK(words_of("  one\ttwo\nthree\x1c"
                 "four\u00a0five\u3000six  ") ==
        std::vector<std::string>{"one", "two", "three", "four", "five", "six"});
  CHECK(words_of("").empty());
  CHECK(words_of(" \n\t ").empty());
  // A zero-width space is not whitespace in Python either.
  CHECK(words_of("a\u200bb") == std::vector<std::string>{"a\u200bb"});
}

TEST_CASE("split_words makes each CJK character a word and keeps other runs whole", "[trainer]") {
  CHECK(words_of("我们用Linux系统。") == std::vector<std::string>{"我", "们", "用", "Linux", "系", "统", "。"});
  CHECK(words_of("ひらがなとカタカナ") ==
        std::vector<std::string>{"ひ", "ら", "が", "な", "と", "カ", "タ", "カ", "ナ"});
  // Korean puts spaces between words; Hangul is not split.
  CHECK(words_of("한국어 문장") == std::vector<std::string>{"한국어", "문장"});
}

TEST_CASE("split_words marks the words that whitespace separates from the one before", "[trainer]") {
  const std::u32string text = U"a b我们 c";
  const auto words = split_words(text);
  REQUIRE(words.size() == 5);
  CHECK_FALSE(words[0].after_space);  // the first word
  CHECK(words[1].after_space);        // "b"
  CHECK_FALSE(words[2].after_space);  // "我" follows "b" directly
  CHECK_FALSE(words[3].after_space);  // "们"
  CHECK(words[4].after_space);        // "c"
}

TEST_CASE("character classes: alphabetic, symbol and CJK", "[trainer]") {
  CHECK(is_alpha(U'a'));
  CHECK(is_alpha(U'ß'));
  CHECK(is_alpha(U'我'));
  CHECK_FALSE(is_alpha(U'7'));
  CHECK(is_symbol(U'&'));
  CHECK(is_symbol(U'…'));
  CHECK(is_symbol(U'，'));
  CHECK(is_symbol(U'\x07'));
  CHECK_FALSE(is_symbol(U'a'));
  CHECK_FALSE(is_symbol(U'7'));
  CHECK(is_cjk(U'我'));
  CHECK(is_cjk(U'カ'));
  CHECK(is_cjk(U'。'));
  CHECK_FALSE(is_cjk(U'\u3000'));  // ideographic space
  CHECK_FALSE(is_cjk(U'한'));
}
