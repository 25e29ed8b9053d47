// Splitting text into words for the data filters, and the character classes they test.
#include "trainer/data/text_words.hpp"

#include "runtime/tokenizer/unicode.hpp"

namespace sextant::trainer {

bool is_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  return (runtime::unicode_flags(c) & runtime::kWhitespace) != 0;
}

bool is_cjk(char32_t c) {
  if (c < 0x2e80) return false;
  return (c <= 0x2fdf) ||                 // CJK and Kangxi radicals
         (c >= 0x3001 && c <= 0x303f) ||  // CJK symbols and punctuation (not U+3000, a space)
         (c >= 0x3040 && c <= 0x31bf) ||  // hiragana, katakana, bopomofo
         (c >= 0x31f0 && c <= 0x31ff) ||  // katakana phonetic extensions
         (c >= 0x3400 && c <= 0x4dbf) ||  // extension A
         (c >= 0x4e00 && c <= 0x9fff) ||  // unified ideographs
         (c >= 0xf900 && c <= 0xfaff) ||  // compatibility ideographs
         (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) ||
         (c >= 0xff5b && c <= 0xff9f) ||  // fullwidth punctuation, halfwidth katakana
         (c >= 0x20000 && c <= 0x3ffff);  // extensions B and later
}

bool is_alpha(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return (runtime::unicode_flags(c) & runtime::kLetter) != 0;
}

bool is_symbol(char32_t c) {
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return true;
  if (c < 0x80) return !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') && c != ' ';
  return (runtime::unicode_flags(c) & (runtime::kPunctuation | runtime::kSymbol)) != 0;
}

std::vector<Word> split_words(std::u32string_view text) {
  std::vector<Word> words;
  words.reserve(text.size() / 5 + 1);
  bool in_word = false;
  bool space_before = false;
  const auto n = static_cast<std::uint32_t>(text.size());
  for (std::uint32_t i = 0; i < n; ++i) {
    const char32_t c = text[i];
    if (is_space(c)) {
      in_word = false;
      space_before = true;
      continue;
    }
    if (is_cjk(c)) {
      words.push_back({i, 1, space_before && !words.empty()});
      in_word = false;
      space_before = false;
      continue;
    }
    if (in_word) {
      ++words.back().length;
    } else {
      words.push_back({i, 1, space_before && !words.empty()});
      in_word = true;
      space_before = false;
    }
  }
  return words;
}

}  // namespace sextant::trainer
