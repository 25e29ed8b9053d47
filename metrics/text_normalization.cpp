// Text normalisation shared by the metrics: Python's split/rstrip/lower and SQuAD's answer normalisation.
#include "metrics/text_normalization.hpp"

#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"

namespace sextant::metrics {

namespace {

// string.punctuation: only ASCII, so "¿" or "—" survive normalisation, as in SQuAD.
bool is_ascii_punctuation(char32_t c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

bool is_article(std::u32string_view word) { return word == U"a" || word == U"an" || word == U"the"; }

// re.sub(r"\b(a|an|the)\b", " ", text): a match is always a whole maximal run of \w code
// points, so replacing each run that is an article does the same.
std::u32string replace_articles(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_word_char(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_word_char(text[end])) ++end;
    const std::u32string_view word = text.substr(i, end - i);
    if (is_article(word)) {
      out.push_back(U' ');
    } else {
      out.append(word);
    }
    i = end;
  }
  return out;
}

}  // namespace

std::vector<std::u32string> split_whitespace(std::u32string_view text) {
  std::vector<std::u32string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::vector<std::string> split_whitespace(std::string_view text) {
  std::vector<std::string> words;
  for (const auto& word : split_whitespace(std::u32string_view(decode_utf8(text)))) words.push_back(encode_utf8(word));
  return words;
}

std::string strip_trailing_whitespace(std::string_view text) {
  std::u32string chars = decode_utf8(text);
  while (!chars.empty() && is_space(chars.back())) chars.pop_back();
  return encode_utf8(chars);
}

std::string lowercase(std::string_view text) { return encode_utf8(to_lower(decode_utf8(text))); }

std::string normalize_answer(std::string_view text) {
  std::u32string lowered = to_lower(decode_utf8(text));
  std::u32string kept;
  kept.reserve(lowered.size());
  for (char32_t c : lowered) {
    if (!is_ascii_punctuation(c)) kept.push_back(c);
  }
  std::string out;
  for (const auto& word : split_whitespace(std::u32string_view(replace_articles(kept)))) {
    if (!out.empty()) out.push_back(' ');
    out += encode_utf8(word);
  }
  return out;
}

}  // namespace sextant::metrics
