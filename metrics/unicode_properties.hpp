// Python 3 string semantics on code points: str.isspace(), the regex class \w, str.lower().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sextant::metrics {

// Flags of a code point, as Python (and so the reference implementations) sees it.
enum CharClass : std::uint8_t {
  kSpace = 1,          // str.isspace(): what str.split() and str.rstrip() act on
  kWord = 2,           // str.isalnum() or "_": what \w and \b test in re on str patterns
  kCased = 4,          // cased and not case-ignorable (Final_Sigma's "preceded by cased")
  kCaseIgnorable = 8,  // case-ignorable (Final_Sigma skips these)
};

struct CharClassRun {
  std::uint32_t first;
  std::uint8_t flags;
};

struct LowercasePair {
  std::uint32_t code_point;
  std::uint32_t lower;
};

// The generated tables (unicode_tables.cpp, from scripts/gen/metrics_unicode_tables.py).
extern const CharClassRun kCharClassRuns[];
extern const std::size_t kCharClassRunCount;
extern const LowercasePair kLowercasePairs[];
extern const std::size_t kLowercasePairCount;

std::uint8_t char_class(char32_t c);
inline bool is_space(char32_t c) {
  return c < 0x80 ? (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) : (char_class(c) & kSpace) != 0;
}
inline bool is_word_char(char32_t c) { return (char_class(c) & kWord) != 0; }

// str.lower(): the full mapping, including U+0130 -> "i\u0307" and the context-dependent
// final sigma (U+03A3 -> U+03C2 at the end of a word), which Python applies.
std::u32string to_lower(std::u32string_view text);

}  // namespace sextant::metrics
