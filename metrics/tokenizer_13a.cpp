// The "13a" tokenizer of sacrebleu (mteval-v13a.pl's), which BLEU applies by default.
#include "metrics/tokenizer_13a.hpp"

#include "metrics/text_normalization.hpp"
#include "metrics/utf8.hpp"

namespace sextant::metrics {

namespace {

// Every pattern below is ASCII, and no byte of a multi-byte UTF-8 sequence is ASCII, so
// the rules can run on bytes: a byte >= 0x80 never matches a listed ASCII class and always
// matches "not a digit", as its whole code point would in Python.
bool is_digit(char c) { return c >= '0' && c <= '9'; }

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, start)) {
    out.append(text, start, at - start);
    out.append(to);
    start = at + from.size();
  }
  out.append(text, start, std::string::npos);
  text = std::move(out);
}

// The class [\{-\~\[-\` -\&\(-\+\:-\@\/]: ASCII symbols other than ' - . , and digits.
bool is_split_symbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+') ||
         (c >= ':' && c <= '@') || c == '/';
}

bool is_period_or_comma(char c) { return c == '.' || c == ','; }

// re.sub of a two-character pattern: scan left to right, and after a match continue after
// it, so matches never overlap (as in Python's re.sub).
template <typename First, typename Second, typename Emit>
std::string substitute_pairs(const std::string& text, First first, Second second, Emit emit) {
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 1 < text.size() && first(text[i]) && second(text[i + 1])) {
      emit(out, text[i], text[i + 1]);
      i += 2;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

}  // namespace

std::string tokenize_13a(std::string_view line) {
  std::string text = encode_utf8(decode_utf8(line));
  replace_all(text, "<skipped>", "");
  replace_all(text, "-\n", "");
  replace_all(text, "\n", " ");
  if (text.find('&') != std::string::npos) {
    // In this order, as sacrebleu does: "&amp;lt;" becomes "<".
    replace_all(text, "&quot;", "\"");
    replace_all(text, "&amp;", "&");
    replace_all(text, "&lt;", "<");
    replace_all(text, "&gt;", ">");
  }
  std::string spaced = " ";
  for (char c : text) {
    if (is_split_symbol(c)) {
      spaced += ' ';
      spaced += c;
      spaced += ' ';
    } else {
      spaced += c;
    }
  }
  spaced += ' ';
  const auto not_digit = [](char c) { return !is_digit(c); };
  // A period or comma not preceded by a digit: "\1 \2 ".
  spaced = substitute_pairs(spaced, not_digit, is_period_or_comma, [](std::string& out, char a, char b) {
    out += a;
    out += ' ';
    out += b;
    out += ' ';
  });
  // A period or comma not followed by a digit: " \1 \2".
  spaced = substitute_pairs(spaced, is_period_or_comma, not_digit, [](std::string& out, char a, char b) {
    out += ' ';
    out += a;
    out += ' ';
    out += b;
  });
  // A dash preceded by a digit: "\1 \2 ".
  spaced = substitute_pairs(
      spaced, is_digit, [](char c) { return c == '-'; },
      [](std::string& out, char a, char b) {
        out += a;
        out += ' ';
        out += b;
        out += ' ';
      });
  std::string out;
  for (const auto& token : split_whitespace(spaced)) {
    if (!out.empty()) out += ' ';
    out += token;
  }
  return out;
}

}  // namespace sextant::metrics
