// Post-processors that turn a model's raw generation into the answer a task scores.
#include "datasets/answer_extraction.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/error.hpp"
#include "datasets/option_letter.hpp"
#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"

namespace sextant::datasets {

namespace {

using Text = std::u32string_view;

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

Text lstrip(Text text) {
  while (!text.empty() && metrics::is_space(text.front())) text.remove_prefix(1);
  return text;
}

Text strip(Text text) {
  text = lstrip(text);
  while (!text.empty() && metrics::is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<std::string> some(Text text) {
  if (text.empty()) return std::nullopt;
  return metrics::encode_utf8(text);
}

// lm-eval gsm8k's exact_match regexes_to_ignore: ",", "\$", "(?s).*#### ", "\.$". A number
// that a filter extracted holds no '#', so the third never applies to it.
std::string clean_number(Text number) {
  std::u32string out;
  for (char32_t c : number) {
    if (c != U',' && c != U'$') out.push_back(c);
  }
  if (!out.empty() && out.back() == U'.') out.pop_back();
  return metrics::encode_utf8(out);
}

std::optional<std::string> first_line(const std::string& output, int) {
  const std::u32string decoded = metrics::decode_utf8(output);
  Text text = strip(decoded);
  return some(strip(text.substr(0, text.find(U'\n'))));
}

std::optional<std::string> option_letter(const std::string& output, int n_options) {
  const auto letter = first_option_letter(output, n_options);
  if (!letter) return std::nullopt;
  return std::string(1, *letter);
}

// re.findall of (-?[$0-9.,]{2,})|(-?[0-9]+) keeps scanning after each match; the last one
// wins. At a position the first alternative needs a run of two or more of [$0-9.,] (after an
// optional '-'); the second a lone digit there.
std::optional<std::string> last_number(const std::string& output, int) {
  const std::u32string text = metrics::decode_utf8(output);
  const auto in_run = [](char32_t c) { return is_digit(c) || c == U'$' || c == U'.' || c == U','; };
  std::optional<Text> last;
  std::size_t p = 0;
  while (p < text.size()) {
    const std::size_t q = p + (text[p] == U'-' ? 1 : 0);
    std::size_t r = q;
    while (r < text.size() && in_run(text[r])) ++r;
    if (r - q >= 2 || (r - q == 1 && is_digit(text[q]))) {
      last = Text(text).substr(p, r - p);
      p = r;
    } else {
      ++p;
    }
  }
  if (!last) return std::nullopt;
  return clean_number(*last);
}

// The first "#### " followed by \-?[0-9\.\,]+.
std::optional<std::string> gsm8k_strict(const std::string& output, int) {
  const std::u32string text = metrics::decode_utf8(output);
  const auto in_run = [](char32_t c) { return is_digit(c) || c == U'.' || c == U','; };
  for (std::size_t p = text.find(U"#### "); p != std::u32string::npos; p = text.find(U"#### ", p + 1)) {
    const std::size_t q = p + 5;
    const std::size_t s = q + (q < text.size() && text[q] == U'-' ? 1 : 0);
    std::size_t r = s;
    while (r < text.size() && in_run(text[r])) ++r;
    if (r > s) return clean_number(Text(text).substr(q, r - q));
  }
  return std::nullopt;
}

bool ascii_iequal(Text text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char32_t c = text[at + i];
    if (c >= U'A' && c <= U'Z') c += 32;
    if (c != static_cast<char32_t>(word[i])) return false;
  }
  return true;
}

std::optional<std::string> the_answer_is(const std::string& output, int) {
  constexpr std::string_view kMarker = "the answer is";
  const std::u32string text = metrics::decode_utf8(output);
  std::size_t found = std::u32string::npos;
  for (std::size_t p = 0; p + kMarker.size() <= text.size(); ++p) {
    if (ascii_iequal(text, p, kMarker)) found = p;
  }
  if (found == std::u32string::npos) return std::nullopt;
  Text segment = Text(text).substr(found + kMarker.size());
  // The sentence ends at a newline, or at . ! ? before whitespace or the end ("3.5" goes on).
  for (std::size_t i = 0; i < segment.size(); ++i) {
    const char32_t c = segment[i];
    const bool stop = c == U'\n' || ((c == U'.' || c == U'!' || c == U'?') &&
                                     (i + 1 == segment.size() || metrics::is_space(segment[i + 1])));
    if (stop) {
      segment = segment.substr(0, i);
      break;
    }
  }
  segment = strip(segment);
  if (!segment.empty() && segment.front() == U':') segment = strip(segment.substr(1));
  if (!segment.empty() && segment.back() == U'.') segment.remove_suffix(1);
  if (segment.empty()) return std::nullopt;
  // The first -?\$?[0-9.,]*[0-9].
  for (std::size_t p = 0; p < segment.size(); ++p) {
    std::size_t q = p;
    if (q < segment.size() && segment[q] == U'-') ++q;
    if (q < segment.size() && segment[q] == U'$') ++q;
    std::size_t end = 0;
    for (std::size_t r = q; r < segment.size() && (is_digit(segment[r]) || segment[r] == U'.' || segment[r] == U',');
         ++r) {
      if (is_digit(segment[r])) end = r + 1;
    }
    if (end > 0) {
      std::u32string number;
      for (char32_t c : segment.substr(p, end - p)) {
        if (c != U',' && c != U'$') number.push_back(c);
      }
      return metrics::encode_utf8(number);
    }
  }
  return metrics::encode_utf8(segment);
}

std::optional<std::string> code_block(const std::string& output, int) {
  const std::u32string text = metrics::decode_utf8(output);
  const auto non_blank = [](Text code) -> std::optional<std::string> {
    if (strip(code).empty()) return std::nullopt;
    return metrics::encode_utf8(code);
  };
  // OpenCompass humaneval_postprocess_v2: the first match of ```\w*\n(.*?)``` (DOTALL).
  std::size_t opener = std::u32string::npos, opener_body = 0;
  for (std::size_t p = text.find(U"```"); p != std::u32string::npos; p = text.find(U"```", p + 1)) {
    std::size_t q = p + 3;
    while (q < text.size() && metrics::is_word_char(text[q])) ++q;
    if (q == text.size() || text[q] != U'\n') continue;
    const std::size_t close = text.find(U"```", q + 1);
    if (close != std::u32string::npos) return non_blank(lstrip(Text(text).substr(q + 1, close - q - 1)));
    if (opener == std::u32string::npos) {
      opener = p;
      opener_body = q + 1;
    }
  }
  // A fence never closed: an opening one (a language tag, or only whitespace before it) when
  // the answer ran out of tokens inside its block; otherwise a closing one, cut below.
  if (opener != std::u32string::npos && (opener_body > opener + 4 || strip(Text(text).substr(0, opener)).empty())) {
    return non_blank(lstrip(Text(text).substr(opener_body)));
  }
  // A completion of the prompt's function: lm-eval humaneval's "until" stop sequences, and
  // humaneval_instruct's cut at "```".
  constexpr std::array<std::u32string_view, 6> kStops = {U"\nclass", U"\ndef", U"\n#", U"\nif", U"\nprint", U"```"};
  std::size_t cut = text.size();
  for (const auto stop : kStops) cut = std::min(cut, text.find(stop));
  return non_blank(Text(text).substr(0, cut));
}

struct Extractor {
  const char* name;
  std::optional<std::string> (*run)(const std::string& output, int n_options);
};

constexpr std::array<Extractor, 6> kExtractors = {{
    {"first_line", first_line},
    {"option_letter", option_letter},
    {"last_number", last_number},
    {"gsm8k_strict", gsm8k_strict},
    {"the_answer_is", the_answer_is},
    {"code_block", code_block},
}};

// Sign and digits without leading or trailing zeros: "-12.5" for "-012.50", "0" for "-0.0".
std::optional<std::string> canonical_number(const std::string& value) {
  std::string s;
  for (char c : value) {
    if (c != ',' && c != '$') s.push_back(c);
  }
  const auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::string whole, fraction;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') whole.push_back(s[i++]);
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') fraction.push_back(s[i++]);
  }
  if (i != s.size() || (whole.empty() && fraction.empty())) return std::nullopt;
  const std::size_t first_nonzero = whole.find_first_not_of('0');
  whole = first_nonzero == std::string::npos ? "" : whole.substr(first_nonzero);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (whole.empty() && fraction.empty()) return "0";
  return (negative ? "-" : "") + whole + "." + fraction;
}

}  // namespace

std::optional<std::string> extract_answer(const std::string& extractor, const std::string& output, int n_options) {
  for (const auto& row : kExtractors) {
    if (extractor == row.name) return row.run(output, n_options);
  }
  std::string known;
  for (const auto& name : answer_extractor_names()) known += (known.empty() ? "" : ", ") + name;
  throw UsageError(fmt::format("unknown answer extractor \"{}\" (known: {})", extractor, known));
}

const std::vector<std::string>& answer_extractor_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& row : kExtractors) out.emplace_back(row.name);
    return out;
  }();
  return names;
}

bool numbers_equal(const std::string& a, const std::string& b) {
  const auto x = canonical_number(a);
  const auto y = canonical_number(b);
  return x && y && *x == *y;
}

}  // namespace sextant::datasets
