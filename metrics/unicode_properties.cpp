// Python 3 string semantics on code points: str.isspace(), the regex class \w, str.lower().
#include "metrics/unicode_properties.hpp"

#include <algorithm>

namespace sextant::metrics {

namespace {

constexpr char32_t kCapitalSigma = 0x3A3;

char32_t lower_one(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  const LowercasePair* end = kLowercasePairs + kLowercasePairCount;
  const LowercasePair* it =
      std::lower_bound(kLowercasePairs, end, c, [](const LowercasePair& p, char32_t v) { return p.code_point < v; });
  return (it != end && it->code_point == c) ? it->lower : c;
}

// Final_Sigma (Unicode 3.13, as CPython implements it): a cased code point before the
// sigma and none after it, skipping case-ignorable ones both ways.
bool is_final_sigma(std::u32string_view text, std::size_t at) {
  std::size_t j = at;
  std::uint8_t flags = 0;
  bool found = false;
  while (j > 0) {
    flags = char_class(text[--j]);
    if (!(flags & kCaseIgnorable)) {
      found = true;
      break;
    }
  }
  if (!found || !(flags & kCased)) return false;
  for (std::size_t k = at + 1; k < text.size(); ++k) {
    flags = char_class(text[k]);
    if (!(flags & kCaseIgnorable)) return !(flags & kCased);
  }
  return true;
}

}  // namespace

std::uint8_t char_class(char32_t c) {
  const CharClassRun* end = kCharClassRuns + kCharClassRunCount;
  const CharClassRun* it =
      std::upper_bound(kCharClassRuns, end, c, [](char32_t v, const CharClassRun& r) { return v < r.first; });
  return it == kCharClassRuns ? 0 : (it - 1)->flags;
}

std::u32string to_lower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == 0x130) {
      // The one code point whose lowercase is two: "i" and a combining dot above.
      out.push_back(U'i');
      out.push_back(0x307);
    } else if (c == kCapitalSigma) {
      out.push_back(is_final_sigma(text, i) ? 0x3C2 : 0x3C3);
    } else {
      out.push_back(lower_one(c));
    }
  }
  return out;
}

}  // namespace sextant::metrics
