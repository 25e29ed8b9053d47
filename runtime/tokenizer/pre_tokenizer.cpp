// Hand-written matchers equivalent to the pre-tokenizer regexes (no regex engine on the hot path).
#include "runtime/tokenizer/pre_tokenizer.hpp"

#include <cstdint>

#include "core/error.hpp"
#include "runtime/tokenizer/unicode.hpp"

namespace sextant::runtime {

namespace {

constexpr std::uint32_t kEnd = 0xffffffffu;

// Code points of one span of text with their byte offsets; reads past the end see kEnd.
struct Span {
  std::vector<std::uint32_t> cps;
  std::vector<std::size_t> offsets;  // byte offset of each code point, plus the end
  std::size_t begin = 0, end = 0;    // code point range being split

  std::uint32_t cp(std::size_t i) const { return i < end ? cps[i] : kEnd; }
  std::uint8_t flags(std::size_t i) const { return i < end ? unicode_flags(cps[i]) : 0; }
};

Span decode(std::string_view text) {
  Span s;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int len = utf8_sequence_length(c);
    std::uint32_t cp = c;
    bool ok = i + static_cast<std::size_t>(len) <= text.size() && (len > 1 || c < 0x80);
    if (ok && len > 1) {
      cp = c & (0xff >> (len + 1));
      for (int k = 1; k < len && ok; ++k) {
        const auto cc = static_cast<unsigned char>(text[i + k]);
        ok = (cc & 0xc0) == 0x80;
        cp = (cp << 6) | (cc & 0x3f);
      }
    }
    if (!ok) {
      len = 1;
      cp = 0xfffd;  // classes of an invalid byte: those of the replacement character
    }
    s.cps.push_back(cp);
    s.offsets.push_back(i);
    i += static_cast<std::size_t>(len);
  }
  s.offsets.push_back(text.size());
  s.end = s.cps.size();
  return s;
}

bool is_letter(std::uint8_t f) { return f & kLetter; }
bool is_number(std::uint8_t f) { return f & kNumber; }
bool is_space(std::uint8_t f) { return f & kWhitespace; }

std::uint32_t ascii_lower(std::uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

// Length of a contraction ('s 't 're 've 'm 'll 'd) at pos, or 0.
std::size_t contraction(const Span& s, std::size_t pos, bool ignore_case) {
  if (s.cp(pos) != '\'') return 0;
  auto low = [&](std::size_t i) { return ignore_case ? ascii_lower(s.cp(i)) : s.cp(i); };
  const std::uint32_t a = low(pos + 1);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  const std::uint32_t b = low(pos + 2);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

// Appends the end positions of the GPT-2 rule's matches within [s.begin, s.end).
void split_gpt2(const Span& s, std::vector<std::size_t>& ends) {
  std::size_t pos = s.begin;
  while (pos < s.end) {
    const std::uint32_t c = s.cp(pos);
    const std::uint8_t f = s.flags(pos);
    if (std::size_t n = contraction(s, pos, false)) {
      ends.push_back(pos += n);
      continue;
    }
    const std::uint8_t f2 = c == ' ' ? s.flags(pos + 1) : f;
    if (is_letter(f2)) {  // ?\p{L}+
      pos += (c == ' ');
      while (is_letter(s.flags(pos))) ++pos;
      ends.push_back(pos);
      continue;
    }
    if (is_number(f2)) {  // ?\p{N}+
      pos += (c == ' ');
      while (is_number(s.flags(pos))) ++pos;
      ends.push_back(pos);
      continue;
    }
    if (!(is_space(f2) || is_letter(f2) || is_number(f2)) && f2 != 0) {  // ?[^\s\p{L}\p{N}]+
      pos += (c == ' ');
      for (std::uint8_t g = s.flags(pos); !(is_space(g) || is_letter(g) || is_number(g)) && g != 0; g = s.flags(pos)) ++pos;
      ends.push_back(pos);
      continue;
    }
    std::size_t n_space = 0;
    while (is_space(s.flags(pos + n_space))) ++n_space;
    if (n_space > 1 && s.cp(pos + n_space) != kEnd) {  // \s+(?!\S)
      ends.push_back(pos += n_space - 1);
      continue;
    }
    if (n_space > 0) {  // \s+
      ends.push_back(pos += n_space);
      continue;
    }
    ends.push_back(++pos);  // nothing matched: the character stands alone
  }
}

void split_llama3(const Span& s, std::vector<std::size_t>& ends, std::size_t max_digits) {
  std::size_t pos = s.begin;
  while (pos < s.end) {
    const std::uint32_t c = s.cp(pos);
    const std::uint8_t f = s.flags(pos);
    if (std::size_t n = contraction(s, pos, true)) {
      ends.push_back(pos += n);
      continue;
    }
    if (!(c == '\r' || c == '\n' || is_number(f)) && (is_letter(f) || is_letter(s.flags(pos + 1)))) {
      ++pos;  // [^\r\n\p{L}\p{N}]?\p{L}+
      while (is_letter(s.flags(pos))) ++pos;
      ends.push_back(pos);
      continue;
    }
    if (is_number(f)) {  // \p{N}{1,max_digits}
      std::size_t start = pos;
      while (is_number(s.flags(pos))) {
        if (++pos - start >= max_digits) {
          ends.push_back(pos);
          start = pos;
        }
      }
      if (ends.empty() || ends.back() != pos) ends.push_back(pos);
      continue;
    }
    const std::uint8_t f2 = c == ' ' ? s.flags(pos + 1) : f;
    if (!(is_space(f2) || is_letter(f2) || is_number(f2)) && f != 0) {  // ?[^\s\p{L}\p{N}]+[\r\n]*
      pos += (c == ' ');
      for (std::uint8_t g = f2; !(is_space(g) || is_letter(g) || is_number(g)) && g != 0; g = s.flags(pos)) ++pos;
      while (s.cp(pos) == '\r' || s.cp(pos) == '\n') ++pos;
      ends.push_back(pos);
      continue;
    }
    std::size_t n_space = 0, last_newline_end = 0;
    while (is_space(s.flags(pos + n_space))) {
      const std::uint32_t cc = s.cp(pos + n_space);
      if (cc == '\r' || cc == '\n') last_newline_end = pos + n_space + 1;
      ++n_space;
    }
    if (last_newline_end > 0) {  // \s*[\r\n]+
      ends.push_back(pos = last_newline_end);
      continue;
    }
    if (n_space > 1 && s.cp(pos + n_space) != kEnd) {  // \s+(?!\S)
      ends.push_back(pos += n_space - 1);
      continue;
    }
    if (n_space > 0) {
      ends.push_back(pos += n_space);
      continue;
    }
    ends.push_back(++pos);
  }
}

}  // namespace

PreTokenizerKind pre_tokenizer_from_name(const std::string& name) {
  if (name == "gpt-2" || name == "gpt2" || name == "phi-2" || name == "roberta-bpe" || name == "olmo" || name == "mpt")
    return PreTokenizerKind::Gpt2;
  if (name == "smollm" || name == "starcoder" || name == "refact") return PreTokenizerKind::SmolLm;
  if (name == "llama3" || name == "llama-v3" || name == "llama-bpe" || name == "falcon3") return PreTokenizerKind::Llama3;
  if (name == "qwen2" || name == "deepseek-r1-qwen" || name == "stablelm2") return PreTokenizerKind::Qwen2;
  fail("unknown pre-tokenizer \"{}\" (known: gpt2, smollm, llama-bpe, qwen2 and their aliases)", name);
}

std::vector<std::string_view> pre_tokenize(PreTokenizerKind kind, std::string_view text) {
  Span s = decode(text);
  std::vector<std::size_t> ends;
  switch (kind) {
    case PreTokenizerKind::Gpt2: split_gpt2(s, ends); break;
    case PreTokenizerKind::Llama3: split_llama3(s, ends, 3); break;
    case PreTokenizerKind::Qwen2: split_llama3(s, ends, 1); break;
    case PreTokenizerKind::SmolLm: {
      // First \p{N}: each digit is a piece, and so is each stretch between digits;
      // the GPT-2 rules then run inside each stretch, which ends where the stretch ends.
      const std::size_t n = s.cps.size();
      std::size_t start = 0;
      for (std::size_t i = 0; i <= n; ++i) {
        if (i < n && !is_number(unicode_flags(s.cps[i]))) continue;
        if (i > start) {
          s.begin = start;
          s.end = i;
          split_gpt2(s, ends);
        }
        if (i < n) ends.push_back(i + 1);
        start = i + 1;
      }
      break;
    }
  }
  std::vector<std::string_view> words;
  words.reserve(ends.size());
  std::size_t prev = 0;
  for (std::size_t e : ends) {
    if (e == prev) continue;
    words.push_back(text.substr(s.offsets[prev], s.offsets[e] - s.offsets[prev]));
    prev = e;
  }
  return words;
}

}  // namespace sextant::runtime
